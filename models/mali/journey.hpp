#pragma once
//! The Mali route model's worker: one replication of a year of journeys.

#include "mali/scenario.hpp"
#include "passage/run/model.hpp"

#include <memory>
#include <vector>

namespace passage::models::mali {

//! The per-replication metrics, in the order they are reported.
std::vector<engine::MetricInfo> metric_list(const MaliScenario& sc);
//! The per-migrant histograms.
std::vector<engine::HistogramInfo> histogram_list();

std::unique_ptr<engine::Worker> make_worker(const MaliScenario& sc, const engine::WorkerOptions& o);

} // namespace passage::models::mali
