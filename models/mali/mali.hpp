#pragma once
//! The Mali route model (MODEL.md): `model: mali`.

#include "passage/run/model.hpp"
#include "passage/run/scenario.hpp"

#include <memory>

namespace passage::models::mali {

std::unique_ptr<engine::Model> make_model(const engine::Scenario& s,
                                          engine::config::Diagnostics& d);

} // namespace passage::models::mali
