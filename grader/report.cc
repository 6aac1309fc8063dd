#include "grader/report.h"

#include <cstdio>
#include <sstream>

namespace grader {

nlohmann::json DiagnosisJson(const std::optional<Diagnosis>& diagnosis) {
  if (!diagnosis) return nullptr;
  if (diagnosis->kind == Diagnosis::Kind::kMisconception) {
    return {{"misconception", diagnosis->misconception},
            {"skills", diagnosis->skills},
            {"explanation", diagnosis->explanation}};
  }
  return {{"pattern", diagnosis->pattern}, {"detail", diagnosis->detail}};
}

nlohmann::json ResultJson(const ProblemSpec& problem, const SubmissionInfo& info,
                          const GradeResult& result) {
  nlohmann::json tests = nlohmann::json::array();
  for (const TestResult& t : result.tests) {
    nlohmann::json test = {
        {"name", t.name},
        {"entry", t.entry},
        {"visibility", VisibilityName(t.visibility)},
        {"verdict", VerdictName(t.verdict)},
        {"score", t.score},
        {"max_score", t.max_score},
        {"message", t.message},
        {"cpu_time_ms", t.cpu_time.count()},
        {"wall_time_ms", t.wall_time.count()},
        {"peak_memory_bytes", t.peak_memory_bytes},
    };
    test["max_rel_error"] = t.max_rel_error && std::isfinite(*t.max_rel_error)
                                ? nlohmann::json(*t.max_rel_error)
                                : nlohmann::json(nullptr);
    test["diagnosis"] = DiagnosisJson(t.diagnosis);
    tests.push_back(std::move(test));
  }
  return {
      {"submission_id", info.submission_id},
      {"problem", problem.id},
      {"problem_version", problem.version},
      {"learner", info.learner},
      {"status", SubmissionStatusName(result.status)},
      {"score", result.score},
      {"max_score", result.max_score},
      {"compile_output", result.compile_output},
      {"tests", std::move(tests)},
  };
}

static std::string FormatPoints(double x) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%g", x);
  return buffer;
}

std::string ResultText(const ProblemSpec& problem, const SubmissionInfo& info,
                       const GradeResult& result) {
  std::ostringstream out;
  out << "Submission " << info.submission_id << " · " << problem.id << " v" << problem.version
      << " · learner " << info.learner << "\n";
  out << "Status: " << SubmissionStatusName(result.status) << " · Score: "
      << FormatPoints(result.score) << " / " << FormatPoints(result.max_score) << "\n";
  if (result.status == SubmissionStatus::kCompileError) {
    out << "\nCompiler output:\n" << result.compile_output << "\n";
  }
  out << "\n";
  char line[160];
  std::snprintf(line, sizeof(line), "  %-22s %-8s %-18s %-7s %s\n", "test", "shown", "verdict",
                "points", "message");
  out << line;
  for (const TestResult& t : result.tests) {
    std::string points = FormatPoints(t.score) + "/" + FormatPoints(t.max_score);
    std::snprintf(line, sizeof(line), "  %-22s %-8s %-18s %-7s ", t.name.c_str(),
                  VisibilityName(t.visibility), VerdictName(t.verdict), points.c_str());
    out << line << t.message << "\n";
    if (!t.diagnosis) continue;
    if (t.diagnosis->kind == Diagnosis::Kind::kMisconception) {
      std::string skills;
      for (const std::string& k : t.diagnosis->skills) skills += (skills.empty() ? "" : ", ") + k;
      out << "      diagnosis: " << t.diagnosis->misconception << " [" << skills << "]: "
          << t.diagnosis->explanation << "\n";
    } else {
      out << "      pattern: " << t.diagnosis->pattern << ": " << t.diagnosis->detail << "\n";
    }
  }
  return out.str();
}

nlohmann::json TensorJson(const reference::Tensor& tensor) {
  return {{"shape", {tensor.rows, tensor.cols}}, {"data", tensor.values}};
}

base::StatusOr<reference::Tensor> TensorFromJson(const nlohmann::json& json,
                                                 reference::TensorKind kind) {
  if (!json.is_object() || !json.contains("shape") || !json.contains("data")) {
    return base::Status::InvalidArgument("a tensor needs \"shape\" and \"data\"");
  }
  const auto& shape = json["shape"];
  if (!shape.is_array() || shape.size() != 2 || !shape[0].is_number_integer() ||
      !shape[1].is_number_integer() || shape[0].get<int64_t>() < 0 ||
      shape[1].get<int64_t>() < 0) {
    return base::Status::InvalidArgument("\"shape\" must be [rows, cols]");
  }
  reference::Tensor t{kind, shape[0].get<int64_t>(), shape[1].get<int64_t>(), {}};
  const auto& data = json["data"];
  if (!data.is_array() || data.size() != static_cast<size_t>(t.rows * t.cols)) {
    return base::Status::InvalidArgument("\"data\" must hold rows*cols numbers");
  }
  for (const auto& x : data) {
    if (!x.is_number()) return base::Status::InvalidArgument("\"data\" must hold numbers");
    t.values.push_back(x.get<double>());
  }
  return t;
}

}  // namespace grader
