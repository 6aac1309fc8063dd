#include "grader/report.h"

#include <cstdio>
#include <sstream>

#include "base/utf8.h"

namespace grader {
namespace {

// Learner-derived text (messages, compiler output, learner names) as valid UTF-8, also for
// rows that an older grader stored unchecked: nlohmann::json throws on invalid UTF-8.
std::string Text(const std::string& text) { return base::utf8::Sanitise(text); }

// One line for a terminal: no control character of the learner's reaches it.
std::string Line(const std::string& text) { return base::utf8::EscapeForTerminal(text); }

}  // namespace

nlohmann::json DiagnosisJson(const std::optional<Diagnosis>& diagnosis) {
  if (!diagnosis) return nullptr;
  if (diagnosis->kind == Diagnosis::Kind::kMisconception) {
    return {{"misconception", Text(diagnosis->misconception)},
            {"skills", diagnosis->skills},
            {"explanation", Text(diagnosis->explanation)}};
  }
  return {{"pattern", Text(diagnosis->pattern)}, {"detail", Text(diagnosis->detail)}};
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
        {"message", Text(t.message)},
    };
    // A hidden test's figures could carry its inputs: never shown (docs/result-json.md).
    const bool hidden = t.visibility == Visibility::kHidden;
    test["cpu_time_ms"] = hidden ? nlohmann::json(nullptr) : nlohmann::json(t.cpu_time.count());
    test["wall_time_ms"] = hidden ? nlohmann::json(nullptr) : nlohmann::json(t.wall_time.count());
    test["peak_memory_bytes"] =
        hidden ? nlohmann::json(nullptr) : nlohmann::json(t.peak_memory_bytes);
    test["max_rel_error"] = !hidden && t.max_rel_error && std::isfinite(*t.max_rel_error)
                                ? nlohmann::json(*t.max_rel_error)
                                : nlohmann::json(nullptr);
    test["diagnosis"] = DiagnosisJson(t.diagnosis);
    tests.push_back(std::move(test));
  }
  return {
      {"submission_id", info.submission_id},
      {"problem", problem.id},
      {"problem_version", problem.version},
      {"learner", Text(info.learner)},
      {"status", SubmissionStatusName(result.status)},
      {"score", result.score},
      {"max_score", result.max_score},
      {"compile_output", Text(result.compile_output)},
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
  out << "Submission " << info.submission_id << " · " << Line(problem.id) << " v" << problem.version
      << " · learner " << Line(info.learner) << "\n";
  out << "Status: " << SubmissionStatusName(result.status)
      << " · Score: " << FormatPoints(result.score) << " / " << FormatPoints(result.max_score)
      << "\n";
  if (result.status == SubmissionStatus::kCompileError) {
    out << "\nCompiler output:\n"
        << base::utf8::EscapeForTerminal(result.compile_output, /*multiline=*/true) << "\n";
  }
  out << "\n";
  char line[160];
  std::snprintf(line, sizeof(line), "  %-22s %-8s %-18s %-7s %s\n", "test", "shown", "verdict",
                "points", "message");
  out << line;
  for (const TestResult& t : result.tests) {
    std::string points = FormatPoints(t.score) + "/" + FormatPoints(t.max_score);
    std::snprintf(line, sizeof(line), "  %-22s %-8s %-18s %-7s ", Line(t.name).c_str(),
                  VisibilityName(t.visibility), VerdictName(t.verdict), points.c_str());
    out << line << Line(t.message) << "\n";
    if (!t.diagnosis) continue;
    if (t.diagnosis->kind == Diagnosis::Kind::kMisconception) {
      std::string skills;
      for (const std::string& k : t.diagnosis->skills) skills += (skills.empty() ? "" : ", ") + k;
      out << "      diagnosis: " << Line(t.diagnosis->misconception) << " [" << Line(skills)
          << "]: " << Line(t.diagnosis->explanation) << "\n";
    } else {
      out << "      pattern: " << Line(t.diagnosis->pattern) << ": " << Line(t.diagnosis->detail)
          << "\n";
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
      !shape[1].is_number_integer() || shape[0].get<int64_t>() < 0 || shape[1].get<int64_t>() < 0) {
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
