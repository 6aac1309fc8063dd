// The mutants of each problem: one per known misconception (docs/misconceptions.md), each a
// struct deriving from the reference that hides one static function with the wrong code.
// Registered in registry.cc. A problem's mistakes/<stem>.cpp is diagnosed as the mutant whose id
// is <stem> (docs/problem-format.md).
#pragma once

#include <vector>

#include "reference/registry.h"

namespace reference {

std::vector<Mutant> LinearForwardMutants();
std::vector<Mutant> LinearBackwardMutants();
std::vector<Mutant> ReluMutants();

}  // namespace reference
