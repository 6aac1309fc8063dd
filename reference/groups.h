// The curriculum's problem groups beyond the first three problems, each registered in its own
// file (losses_registry.cc, ...) so that registry.cc adds one line per group.
#pragma once

#include <vector>

#include "reference/registry.h"

namespace reference {


}  // namespace reference
