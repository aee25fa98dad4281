#pragma once
//! The corridor model's worker: one replication of a year of journeys.

#include "mali/scenario.hpp"
#include "passage/run/model.hpp"

#include <cstdint>
#include <memory>
#include <vector>

namespace passage::models::mali {

//! The per-replication metrics, in the order they are reported.
std::vector<engine::MetricInfo> metric_list(const CorridorScenario& sc);

//! A sum of the ledger: the actors of one kind, or of one country.
struct LedgerGroup
{
  std::string metric; //!< revenue_kind_state, revenue_country_mali, ...
  std::string description;
  std::vector<std::size_t> actors;
};
std::vector<LedgerGroup> ledger_groups(const CorridorScenario& sc);
//! The per-migrant histograms.
std::vector<engine::HistogramInfo> histogram_list();

//! One random draw of a replication: the kind of draw, what it belongs to, and the
//! standard variate drawn (uniform, standard exponential or normal, or an integer
//! amount). Two scenarios share a draw when kind, owner, vehicle, where and index
//! agree; with common random numbers its value is then the same
//! (tests/unit/test_mali_crn.cpp).
struct Draw
{
  static constexpr std::uint64_t kNone = ~std::uint64_t{ 0 };
  const char* kind = "";         //!< "convoy.hostage", "ride.checkpoint", ...
  std::uint64_t owner = 0;       //!< a migrant's uid, or a truck line's index
  std::uint64_t vehicle = kNone; //!< a truck's departure order within its line
  std::uint64_t where = kNone;   //!< a segment's or a place's site (its stream id)
  std::uint64_t index = 0;       //!< a stop's index within its kind, or an attempt's
  double value = 0.0;
};

//! `draws`, when not null, collects every draw the worker makes (a test's hook;
//! production passes nothing).
std::unique_ptr<engine::Worker> make_worker(const CorridorScenario& sc, const engine::WorkerOptions& o,
                                            std::vector<Draw>* draws = nullptr);

} // namespace passage::models::mali
