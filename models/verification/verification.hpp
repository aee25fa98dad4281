#pragma once
//! Verification models: small models with known answers, run through the same
//! runner and results writer as the real model, so that the engine itself is
//! checked against theory.
//!
//! - mm1: the M/M/1 queue (FifoServer); metrics mean_wait, mean_sojourn, served;
//!   with a finite horizon_days, the series `served` (parameters.periods, default 10).
//! - batch_departure: Poisson arrivals to a BatchDeparture; metrics mean_wait,
//!   mean_load. With max_wait = .inf the mean wait is (b - 1) / (2 lambda).
//! - ishigami, sobol_g: analytic test functions of sensitivity analysis (one
//!   metric, y), whose Sobol' indices are known in closed form.
//! - conjugate: the mean of n normal draws and a Poisson count, whose posteriors
//!   under normal and gamma priors are known in closed form (calibration).

#include "passage/run/model.hpp"
#include "passage/run/scenario.hpp"

#include <memory>

namespace passage::models::verification {

std::unique_ptr<engine::Model> make_mm1(const engine::Scenario& s, engine::config::Diagnostics& d);
std::unique_ptr<engine::Model> make_batch(const engine::Scenario& s,
                                          engine::config::Diagnostics& d);

std::unique_ptr<engine::Model> make_ishigami(const engine::Scenario& s,
                                             engine::config::Diagnostics& d);
std::unique_ptr<engine::Model> make_sobol_g(const engine::Scenario& s,
                                            engine::config::Diagnostics& d);
std::unique_ptr<engine::Model> make_conjugate(const engine::Scenario& s,
                                              engine::config::Diagnostics& d);

//! Read the optional top-level `horizon_days` (default: no limit).
double read_horizon(const engine::Scenario& s, engine::config::Diagnostics& d);

} // namespace passage::models::verification
