// Calling a problem pack's reference from a test: the pack is loaded as the engine loads it
// (loading the problem registers its code), once per test program.
#pragma once

#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>

#include "grader/problem_spec.h"
#include "harness/tensor.h"
#include "reference/registry.h"

namespace reference_check {

// The reference of `problem_id` on `entry`; throws on an unknown problem or an entry error.
inline reference::Tensors RunPack(const std::string& problem_id, const std::string& entry,
                                  const reference::Tensors& inputs) {
  static std::map<std::string, const reference::ProblemCode*> loaded;
  const reference::ProblemCode*& code = loaded[problem_id];
  if (code == nullptr) {
    auto spec =
        grader::LoadProblem(std::filesystem::path(GRADER_SOURCE_DIR) / "problems" / problem_id);
    if (!spec.ok()) throw std::runtime_error(problem_id + ": " + spec.status().message());
    code = reference::FindProblemCode(problem_id);
    if (code == nullptr) throw std::runtime_error("no code for " + problem_id);
  }
  return code->reference(entry, inputs);
}

}  // namespace reference_check
