// Presenting results: the JSON of `grade --json` (docs/result-json.md), the human table, and
// the tensor JSON form shared with `problems export`.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "grader/grade.h"
#include "grader/problem_spec.h"
#include "harness/tensor.h"

namespace grader {

struct SubmissionInfo {
  int64_t submission_id = 0;
  std::string learner;
};

// {misconception, skills, explanation}, {pattern, detail}, or null.
nlohmann::json DiagnosisJson(const std::optional<Diagnosis>& diagnosis);

nlohmann::json ResultJson(const ProblemSpec& problem, const SubmissionInfo& info,
                          const GradeResult& result);
std::string ResultText(const ProblemSpec& problem, const SubmissionInfo& info,
                       const GradeResult& result);

// {"shape": [rows, cols], "data": [row-major numbers]}
nlohmann::json TensorJson(const reference::Tensor& tensor);
// The inverse, for a tensor of known kind; names the problem when the JSON is malformed.
base::StatusOr<reference::Tensor> TensorFromJson(const nlohmann::json& json,
                                                 reference::TensorKind kind);

}  // namespace grader
