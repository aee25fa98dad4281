#pragma once
//! Every model this build knows, registered by `model:` name.

#include "passage/run/model.hpp"

namespace passage::models {

//! Add all models to a registry.
void register_all(engine::ModelRegistry& registry);

//! A registry holding all models.
const engine::ModelRegistry& registry();

} // namespace passage::models
