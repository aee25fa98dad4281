#pragma once
//! A calibration's chunk of points, run and reduced to the targets' values:
//! what ABC-SMC's rounds and history matching's waves both do between two
//! block boundaries.

#include "passage/calib/observations.hpp"
#include "passage/sa/evaluate.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace passage::engine::calib {

//! The targets' values at a chunk of points, point-major ([q * targets + t]).
struct ChunkTargets
{
  std::vector<double> mean;     //!< over each point's replications; NaN where it failed
  std::vector<double> variance; //!< of that mean (TargetValue::variance); NaN where it failed
  std::vector<std::uint8_t> ok; //!< 1 where the point ran
  std::uint64_t events = 0;
  std::string first_failure; //!< the reason of the chunk's first failed point ("" if none)
};

//! Run the points `values` (points x parameters), point q on replications
//! first[q] + 0 .. replications - 1, and reduce each to the targets' values.
//! Collective: the root, which holds the runs, tells every rank.
ChunkTargets evaluate_targets(sa::Evaluator& evaluator, const Observations& obs,
                              std::uint64_t replications, std::span<const double> values,
                              std::span<const std::uint64_t> first);

} // namespace passage::engine::calib
