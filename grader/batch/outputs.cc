#include "grader/batch/outputs.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "base/utf8.h"
#include "grader/batch/feedback.h"

namespace grader::batch {
namespace {

std::string CsvCell(std::string value, bool multiline = false) {
  // `grade --format csv` prints to a terminal.
  value = base::utf8::EscapeForTerminal(value, multiline);
  if (!value.empty() &&
      (value[0] == '=' || value[0] == '+' || value[0] == '-' || value[0] == '@')) {
    value.insert(value.begin(), '\'');
  }
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

// Appends already-quoted cells joined by commas, and the row's CRLF.
void AppendCells(std::string* csv, std::initializer_list<std::string> cells) {
  bool first = true;
  for (const std::string& cell : cells) {
    if (!first) csv->push_back(',');
    first = false;
    csv->append(cell);
  }
  csv->append("\r\n");
}

std::string Number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%g", value);
  return buffer;
}

// Learner-derived text as valid UTF-8 (nlohmann::json throws on anything else).
std::string Text(const std::string& text) { return base::utf8::Sanitise(text); }

// XML 1.0 allows only Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] |
// [#x10000-#x10FFFF]; UTF-8 decoding already excludes surrogates and values above U+10FFFF.
bool IsXmlChar(char32_t c) {
  return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c != 0xFFFE && c != 0xFFFF);
}

// XML 1.0 text: escapes markup characters; a character XML cannot carry (and invalid UTF-8)
// becomes U+FFFD, so that the document always parses.
std::string XmlEscape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  char32_t c = 0;
  while (pos < text.size()) {
    const size_t start = pos;
    if (!base::utf8::DecodeNext(text, &pos, &c) || !IsXmlChar(c)) {
      base::utf8::Append(base::utf8::kReplacement, &out);
      continue;
    }
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out.append(text, start, pos - start);
    }
  }
  return out;
}

bool IsFailure(Verdict v) {
  return v == Verdict::kWrongAnswer || v == Verdict::kShapeMismatch || v == Verdict::kNonFinite;
}

// A hidden test's time could carry its inputs: it counts as 0 in every output.
double Seconds(const TestResult& t) {
  if (t.visibility == Visibility::kHidden) return 0;
  return static_cast<double>(t.wall_time.count()) / 1000.0;
}

// A failing test's diagnosis, given in full under the first test it explains and referred to
// under the others, so that a class-scale output does not repeat one explanation per test.
std::string DiagnosisLine(const std::vector<DiagnosisGroup>& groups, const std::string& test) {
  for (const DiagnosisGroup& g : groups) {
    for (const std::string& name : g.tests) {
      if (name != test) continue;
      if (name == g.tests.front()) return "Why: " + g.text;
      return "Same cause as test '" + g.tests.front() + "' (" + g.id + ").";
    }
  }
  return "";
}

std::string WithLine(const std::string& text, const std::string& line) {
  return line.empty() ? text : text + "\n" + line;
}

}  // namespace

std::string CsvGradebook(const ProblemSpec& problem, const std::vector<GradedEntry>& entries,
                         const std::vector<SkippedLearner>& skipped) {
  std::string csv = "learner,score,max_score,status,late";
  for (const TestSpec& t : problem.tests) {
    csv += ',';
    csv += CsvCell(t.name);
  }
  csv += ",feedback,name,lms_id\r\n";
  for (const GradedEntry& e : entries) {
    csv += CsvCell(e.learner) + "," + Number(e.result.score) + "," + Number(e.result.max_score) +
           "," + SubmissionStatusName(e.result.status) + "," + (e.late ? "1" : "0");
    for (const TestSpec& spec : problem.tests) {
      std::string cell;
      for (const TestResult& t : e.result.tests) {
        if (t.name == spec.name) cell = Number(t.score);
      }
      csv += ',';
      csv += cell;
    }
    csv += ',';
    csv += CsvCell(FeedbackText(e.result), /*multiline=*/true);
    AppendCells(&csv, {"", CsvCell(e.name), CsvCell(e.lms_id)});
  }
  for (const SkippedLearner& l : skipped) {
    csv += CsvCell(l.learner) + ",,,skipped,";
    csv += std::string(problem.tests.size(), ',');
    csv += ',';
    csv += CsvCell(l.file + ": " + l.reason);
    AppendCells(&csv, {"", CsvCell(l.name), CsvCell(l.lms_id)});
  }
  return csv;
}

std::string LmsGradebook(LmsFormat format, const ProblemSpec& problem,
                         const std::vector<GradedEntry>& entries,
                         const std::vector<SkippedLearner>& skipped,
                         std::vector<std::string>* left_out) {
  const bool canvas = format == LmsFormat::kCanvas;
  std::string csv = canvas ? "Student,ID,SIS User ID,SIS Login ID,Section," + CsvCell(problem.id) +
                                 "\r\nPoints Possible,,,,," + Number(problem.MaxScore()) + "\r\n"
                           : "Identifier,Full name,Grade,Maximum Grade,Feedback comments\r\n";
  // Canvas leaves a grade unchanged when its cell is empty; Moodle's worksheet likewise.
  auto row = [&](const std::string& name, const std::string& lms_id, const std::string& score,
                 const std::string& feedback) {
    if (canvas) {
      AppendCells(&csv, {CsvCell(name), CsvCell(lms_id), "", "", "", score});
    } else {
      AppendCells(&csv, {CsvCell("Participant " + lms_id), CsvCell(name), score,
                         Number(problem.MaxScore()), CsvCell(feedback, /*multiline=*/true)});
    }
  };
  for (const GradedEntry& e : entries) {
    if (e.lms_id.empty()) {
      left_out->push_back(e.learner);
      continue;
    }
    std::string feedback = SubmissionStatusName(e.result.status);
    const std::string text = FeedbackText(e.result);
    if (!text.empty()) feedback += "\n" + text;
    row(e.name, e.lms_id, Number(RoundedScore(e.result.score)), feedback);
  }
  for (const SkippedLearner& l : skipped) {
    if (l.lms_id.empty()) {
      left_out->push_back(l.learner);
      continue;
    }
    row(l.name, l.lms_id, "", "not graded: " + l.reason);
  }
  return csv;
}

nlohmann::json BatchJson(const ProblemSpec& problem, const std::vector<GradedEntry>& entries,
                         const std::vector<std::string>& skipped,
                         const std::vector<SkippedLearner>& skipped_learners) {
  nlohmann::json results = nlohmann::json::array();
  for (const GradedEntry& e : entries) {
    nlohmann::json tests = nlohmann::json::array();
    for (const TestResult& t : e.result.tests) {
      tests.push_back({{"name", t.name},
                       {"visibility", VisibilityName(t.visibility)},
                       {"verdict", VerdictName(t.verdict)},
                       {"score", RoundedScore(t.score)},
                       {"max_score", RoundedScore(t.max_score)},
                       {"message", Text(t.message)}});
    }
    nlohmann::json diagnoses = nlohmann::json::array();
    for (const DiagnosisGroup& g : GroupDiagnoses(e.result)) {
      diagnoses.push_back({{"kind", g.kind},
                           {"id", g.id},
                           {"explanation", Text(g.text)},
                           {"skills", g.skills},
                           {"tests", g.tests}});
    }
    results.push_back({{"learner", Text(e.learner)},
                       {"name", Text(e.name)},
                       {"lms_id", e.lms_id},
                       {"file", Text(e.file)},
                       {"late", e.late},
                       {"submission_id", e.submission_id},
                       {"cache_hit", e.cache_hit},
                       {"status", SubmissionStatusName(e.result.status)},
                       {"score", RoundedScore(e.result.score)},
                       {"max_score", RoundedScore(e.result.max_score)},
                       {"diagnoses", diagnoses},
                       {"compile_output", Text(e.result.compile_output)},
                       {"tests", tests}});
  }
  nlohmann::json skipped_json = nlohmann::json::array();
  for (const std::string& line : skipped) skipped_json.push_back(Text(line));
  nlohmann::json learners_json = nlohmann::json::array();
  for (const SkippedLearner& l : skipped_learners) {
    learners_json.push_back({{"learner", Text(l.learner)},
                             {"name", Text(l.name)},
                             {"lms_id", l.lms_id},
                             {"file", Text(l.file)},
                             {"reason", Text(l.reason)}});
  }
  return {{"problem", problem.id},
          {"version", problem.version},
          {"results", results},
          {"skipped", skipped_json},
          {"skipped_learners", learners_json}};
}

std::string JUnitXml(const ProblemSpec& problem, const std::vector<GradedEntry>& entries) {
  std::string suites;
  size_t total = 0, failures = 0, errors = 0;
  for (const GradedEntry& e : entries) {
    const std::vector<DiagnosisGroup> groups = GroupDiagnoses(e.result);
    size_t suite_failures = 0, suite_errors = 0;
    double suite_time = 0;
    std::string cases;
    for (const TestResult& t : e.result.tests) {
      suite_time += Seconds(t);
      // One classname per learner: CI tools key a test case by (classname, name), and GitLab keeps
      // only the first of duplicates, so a shared classname hid every learner but one.
      cases += "    <testcase name=\"" + XmlEscape(t.name) + "\" classname=\"" +
               XmlEscape(e.learner + "." + problem.id + "." + t.entry) + "\" time=\"" +
               Number(Seconds(t)) + "\"";
      if (t.verdict == Verdict::kPassed) {
        cases += "/>\n";
        continue;
      }
      const bool failure = IsFailure(t.verdict);
      (failure ? suite_failures : suite_errors) += 1;
      const char* tag = failure ? "failure" : "error";
      // A compile error: the compiler's output inside the test case, where CI tools show it.
      const std::string body =
          t.verdict == Verdict::kCompileError && !e.result.compile_output.empty()
              ? t.message + "\n" + e.result.compile_output
              : WithLine(t.message, DiagnosisLine(groups, t.name));
      cases += ">\n      <" + std::string(tag) + " type=\"" + VerdictName(t.verdict) +
               "\" message=\"" + XmlEscape(t.message) + "\">" + XmlEscape(body) + "</" + tag +
               ">\n    </testcase>\n";
    }
    total += e.result.tests.size();
    failures += suite_failures;
    errors += suite_errors;
    suites += "  <testsuite name=\"" + XmlEscape(e.learner) + "\" tests=\"" +
              std::to_string(e.result.tests.size()) + "\" failures=\"" +
              std::to_string(suite_failures) + "\" errors=\"" + std::to_string(suite_errors) +
              "\" time=\"" + Number(suite_time) + "\">\n";
    suites += "    <properties>\n      <property name=\"score\" value=\"" + Number(e.result.score) +
              "\"/>\n      <property name=\"max_score\" value=\"" + Number(e.result.max_score) +
              "\"/>\n      <property name=\"status\" value=\"" +
              SubmissionStatusName(e.result.status) + "\"/>\n    </properties>\n";
    suites += cases;
    if (!e.result.compile_output.empty()) {
      suites += "    <system-err>" + XmlEscape(e.result.compile_output) + "</system-err>\n";
    }
    suites += "  </testsuite>\n";
  }
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"" + XmlEscape(problem.id) +
         "\" tests=\"" + std::to_string(total) + "\" failures=\"" + std::to_string(failures) +
         "\" errors=\"" + std::to_string(errors) + "\">\n" + suites + "</testsuites>\n";
}

nlohmann::json GradescopeResults(const ProblemSpec& problem, const GradedEntry& entry) {
  nlohmann::json tests = nlohmann::json::array();
  const std::vector<DiagnosisGroup> groups = GroupDiagnoses(entry.result);
  double seconds = 0;
  for (const TestResult& t : entry.result.tests) {
    seconds += Seconds(t);
    const std::string output = std::string(VerdictTitle(t.verdict)) + ": " + t.message;
    tests.push_back(
        {{"name", t.name},
         {"score", RoundedScore(t.score)},
         {"max_score", RoundedScore(t.max_score)},
         {"status", t.verdict == Verdict::kPassed ? "passed" : "failed"},
         {"output", Text(WithLine(output, DiagnosisLine(groups, t.name)))},
         {"output_format", "text"},
         {"tags", {t.entry, VerdictName(t.verdict)}},
         {"visibility", t.visibility == Visibility::kHidden ? "after_published" : "visible"}});
  }
  const std::string output = WithLine(
      problem.title + ": " + SubmissionStatusName(entry.result.status), FeedbackText(entry.result));
  return {{"score", RoundedScore(entry.result.score)},
          {"execution_time", seconds},
          {"output", Text(output)},
          {"output_format", "text"},
          {"visibility", "visible"},
          {"stdout_visibility", "hidden"},
          {"extra_data",
           {{"learner", Text(entry.learner)},
            {"problem", problem.id},
            {"version", problem.version},
            {"submission_id", entry.submission_id},
            {"max_score", RoundedScore(entry.result.max_score)},
            {"status", SubmissionStatusName(entry.result.status)}}},
          {"tests", tests}};
}

base::Status WriteFileAtomically(const std::filesystem::path& path, const std::string& text) {
  const std::filesystem::path tmp = path.string() + ".tmp-" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) {
      std::error_code ec;
      std::filesystem::remove(tmp, ec);
      return base::Status::InvalidArgument("cannot write " + path.string());
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    return base::Status::InvalidArgument("cannot write " + path.string() + ": " + ec.message());
  }
  return base::Status::Ok();
}

std::string SafeName(const std::string& learner) {
  std::string out;
  size_t pos = 0;
  char32_t c = 0;
  while (pos < learner.size()) {
    if (!base::utf8::DecodeNext(learner, &pos, &c)) {
      out += '_';
      continue;
    }
    const bool ascii_ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                          (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
    // Letters of every script stay (Zoë, 李); C1 controls, bidirectional controls and the
    // replacement character do not.
    const bool bidi = (c >= 0x200E && c <= 0x200F) || (c >= 0x202A && c <= 0x202E) ||
                      (c >= 0x2066 && c <= 0x2069);
    const bool other_ok = c >= 0xA0 && !bidi && c != base::utf8::kReplacement;
    if (ascii_ok || other_ok) {
      base::utf8::Append(c, &out);
    } else {
      out += '_';
    }
  }
  if (out.empty() || out[0] == '.') out = "_" + out;
  return out;
}

nlohmann::json GradescopeRefusal(const ProblemSpec& problem, const std::string& learner,
                                 const std::string& reason) {
  return {{"score", 0.0},
          {"execution_time", 0},
          {"output", Text(problem.title + ": not graded\n" + reason)},
          {"output_format", "text"},
          {"visibility", "visible"},
          {"stdout_visibility", "hidden"},
          {"extra_data",
           {{"learner", Text(learner)},
            {"problem", problem.id},
            {"version", problem.version},
            {"max_score", RoundedScore(problem.MaxScore())},
            {"status", "refused"}}},
          {"tests", nlohmann::json::array()}};
}

}  // namespace grader::batch
