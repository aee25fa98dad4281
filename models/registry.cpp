#include "registry.hpp"

#include "mali/mali.hpp"
#include "verification/verification.hpp"

namespace passage::models {

void register_all(engine::ModelRegistry& r)
{
  r.add("corridor", &mali::make_model,
        "irregular migrant journeys along a smuggling corridor written as data "
        "(docs/scenario-reference.md): toll points, arrest points, hubs and vehicles, "
        "checkpoints, bandits, hostage-takers, border crossings");
  r.add("mali", &mali::make_model,
        "the corridor model under the name of its first corridor, the Mali route of 2016 "
        "(configs/mali-2016.yaml)");
  r.add("mm1", &verification::make_mm1, "M/M/1 queue (verification against queueing theory)");
  r.add("batch_departure", &verification::make_batch,
        "Poisson arrivals to a batch departure (verification: mean wait (b-1)/(2 lambda))");
  r.add("ishigami", &verification::make_ishigami,
        "the Ishigami function (verification of sensitivity indices against theory)");
  r.add("sobol_g", &verification::make_sobol_g,
        "Sobol's G function (verification of sensitivity indices and Morris rankings)");
  r.add("conjugate", &verification::make_conjugate,
        "the mean of n normal draws and a Poisson count (verification of calibration against "
        "conjugate posteriors)");
}

const engine::ModelRegistry& registry()
{
  static const engine::ModelRegistry r = [] {
    engine::ModelRegistry reg;
    register_all(reg);
    return reg;
  }();
  return r;
}

} // namespace passage::models
