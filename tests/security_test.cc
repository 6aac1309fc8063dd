// The security corpus (tests/security/*.cpp): each hostile submission is graded by build/grader
// against the relu problem, and must get its expected verdict while the host checks hold:
//   - nothing scores (every test has zero points);
//   - the canary's secret never appears in anything the grader printed, and the file the case
//     tries to create does not exist;
//   - the data directory holds only what the grader puts there, and the secret key is intact;
//   - no process of a box uid that ran in this case's work directory survives the verdict;
//   - the grader itself finished normally (exit 0, or 2 for a rejected source).
//   - stdout is valid UTF-8 and carries no terminal control (ESC, C1, BEL, CR, DEL);
//   - hidden tests show no resource figures and no relative error (they could carry inputs).
// Each file starts with a header: "// expect: <verdict>" (or "<a>|<b>" where the machine's speed
// decides which limit is hit first), optionally "// detail: <text that the
// output must contain>", "// pad_to_bytes: N" (the driver pads the source to N bytes) and
// "// formats: <text|junit|gradescope ...>" (also graded in these formats, each output checked
// as above; JUnit must parse as XML and give hidden tests no time).
// Placeholders: @CANARY@, @PWNED@ (per-case paths), @DATA_DIR@ (the grader's data directory).
// A case that defines only relu_forward gets a relu_backward that calls it.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <thread>

#include "base/utf8.h"
#include "test_util.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing_util::CommandResult;
using testing_util::ReadFile;
using testing_util::TempDir;
using testing_util::WriteFile;

const fs::path kCorpus = fs::path(GRADER_SOURCE_DIR) / "tests/security";
constexpr uid_t kFirstBoxUid = 60000;
constexpr uid_t kLastBoxUid = 60999;

std::vector<std::string> CaseNames() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(kCorpus)) {
    if (entry.path().extension() == ".cpp") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string HeaderField(const std::string& source, const std::string& field) {
  const std::string key = "// " + field + ": ";
  const size_t at = source.find(key);
  if (at == std::string::npos) return "";
  const size_t end = source.find('\n', at);
  return source.substr(at + key.size(), end - at - key.size());
}

void ReplaceAll(std::string* text, const std::string& from, const std::string& to) {
  for (size_t at = text->find(from); at != std::string::npos;
       at = text->find(from, at + to.size())) {
    text->replace(at, from.size(), to);
  }
}

std::string RandomToken() {
  std::random_device device;
  std::string token = "canary-";
  for (int i = 0; i < 4; ++i) token += std::to_string(device());
  return token;
}

// Live processes of a box uid whose executable or working directory lies under `dir`.
std::vector<std::string> BoxProcessesUnder(const fs::path& dir) {
  std::vector<std::string> found;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string pid = entry.path().filename().string();
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    struct stat st {};
    if (stat(entry.path().c_str(), &st) != 0) continue;
    if (st.st_uid < kFirstBoxUid || st.st_uid > kLastBoxUid) continue;
    std::ifstream status(entry.path() / "status");
    std::string line;
    bool zombie = false;
    while (std::getline(status, line)) zombie |= line.rfind("State:\tZ", 0) == 0;
    if (zombie) continue;
    for (const char* link : {"exe", "cwd"}) {
      std::error_code ec;
      const fs::path target = fs::read_symlink(entry.path() / link, ec);
      if (!ec && target.string().find(dir.string()) != std::string::npos) {
        found.push_back(pid + " (" + link + " " + target.string() + ")");
      }
    }
  }
  return found;
}

struct Graded {
  CommandResult raw;
  json result;
};

// One hostile case, from its file to the host checks.
class SecurityCase {
 public:
  explicit SecurityCase(const std::string& name) : name_(name) {
    source_ = ReadFile(kCorpus / (name + ".cpp"));
    canary_ = work_.path() / "canary.txt";
    pwned_ = work_.path() / "pwned";
    token_ = RandomToken();
    WriteFile(canary_, token_ + "\n");
    ReplaceAll(&source_, "@CANARY@", canary_.string());
    ReplaceAll(&source_, "@PWNED@", pwned_.string());
    ReplaceAll(&source_, "@DATA_DIR@", grader_.data_dir().string());
    const std::string pad = HeaderField(source_, "pad_to_bytes");
    if (!pad.empty()) {
      const size_t bytes = std::stoul(pad);
      if (source_.size() < bytes)
        source_ += "//" + std::string(bytes - source_.size() - 3, 'x') + "\n";
    }
    // relu_backward, when the case does not define it, repeats the attack through relu_forward.
    if (source_.find("relu_backward(") == std::string::npos) {
      source_ +=
          "Eigen::MatrixXd relu_backward(const Eigen::MatrixXd& Z, const Eigen::MatrixXd& dA) "
          "{ return relu_forward(Z + 0 * dA); }\n";
    }
    file_ = work_.path() / (name + ".cpp");
    WriteFile(file_, source_);
  }

  std::string expect() const { return HeaderField(source_, "expect"); }
  std::string detail() const { return HeaderField(source_, "detail"); }
  const fs::path& data_dir() const { return grader_.data_dir(); }
  std::vector<std::string> formats() const {
    std::vector<std::string> list;
    std::stringstream in(HeaderField(source_, "formats"));
    std::string format;
    while (in >> format) list.push_back(format);
    return list;
  }

  // The case's output in `format` (text, junit, gradescope), the result coming from the cache
  // when the case's verdict is cacheable.
  CommandResult GradeAs(const std::string& format) const {
    return testing_util::RunCommand(
        {testing_util::GraderBinary(), "--data-dir", grader_.data_dir().string(), "grade",
         "--problem", "relu", "--format", format, file_.string()},
        {"GRADER_CACHE=" + std::string(GRADER_TEST_CACHE_DIR), "TMPDIR=" + work_.path().string()});
  }

  // Parses `xml` with Python's expat (strict XML 1.0: no C0 controls, U+FFFE or U+FFFF).
  std::string XmlParseError(const std::string& xml) const {
    const fs::path file = work_.path() / "junit.xml";
    WriteFile(file, xml);
    const CommandResult parsed = testing_util::RunCommand(
        {PYTHON3, "-c", "import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])",
         file.string()});
    fs::remove(file);
    if (parsed.exit_code == 0) return "";
    return parsed.err + " (exit " + std::to_string(parsed.exit_code) + ")";
  }

  Graded Grade() const {
    Graded graded;
    const std::vector<std::string> argv = {testing_util::GraderBinary(),
                                           "--data-dir",
                                           grader_.data_dir().string(),
                                           "grade",
                                           "--problem",
                                           "relu",
                                           "--json",
                                           file_.string()};
    graded.raw = testing_util::RunCommand(
        argv,
        {"GRADER_CACHE=" + std::string(GRADER_TEST_CACHE_DIR), "TMPDIR=" + work_.path().string()});
    try {
      graded.result = json::parse(graded.raw.out);
    } catch (const std::exception&) {
      graded.result = json::object();
    }
    return graded;
  }

  // The host checks that hold whatever the verdict.
  void CheckHost(const Graded& graded) const {
    EXPECT_EQ(graded.raw.out.find(token_), std::string::npos) << "the canary leaked to stdout";
    EXPECT_EQ(graded.raw.err.find(token_), std::string::npos) << "the canary leaked to stderr";
    EXPECT_FALSE(fs::exists(fs::symlink_status(pwned_))) << pwned_;
    EXPECT_EQ(ReadFile(canary_), token_ + "\n") << "the canary changed";
    // The data directory: only the grader's own files, the key private and of a sane size.
    for (const auto& entry : fs::directory_iterator(grader_.data_dir())) {
      const std::string file = entry.path().filename().string();
      EXPECT_TRUE(file == "secret.key" || file.rfind("grader.db", 0) == 0 || file == "cache")
          << "unexpected file in the data directory: " << file;
    }
    if (fs::exists(grader_.data_dir() / "secret.key")) {
      EXPECT_EQ(fs::status(grader_.data_dir() / "secret.key").permissions() & fs::perms::all,
                fs::perms::owner_read | fs::perms::owner_write);
    }
    // Work directories are gone, and so is every process that ran in them.
    std::vector<std::string> survivors;
    for (int attempt = 0; attempt < 20; ++attempt) {
      survivors = BoxProcessesUnder(work_.path());
      if (survivors.empty()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_TRUE(survivors.empty()) << "survivor: " << survivors.front();
    for (const auto& entry : fs::directory_iterator(work_.path())) {
      const std::string file = entry.path().filename().string();
      EXPECT_TRUE(file == "canary.txt" || file == name_ + ".cpp") << "left behind: " << file;
    }
  }

 private:
  std::string name_;
  TempDir work_;
  testing_util::Grader grader_;
  std::string source_;
  fs::path canary_;
  fs::path pwned_;
  fs::path file_;
  std::string token_;
};

// What a terminal would run rather than show: ESC, C1 (as UTF-8), BEL, CR, backspace, DEL.
// Invalid UTF-8 counts too (a terminal may read a stray 0x9b as CSI).
std::string TerminalControlIn(const std::string& out) {
  if (!base::utf8::IsValid(out)) return "invalid UTF-8";
  for (size_t i = 0; i < out.size(); ++i) {
    const auto c = static_cast<unsigned char>(out[i]);
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
      return "control byte " + std::to_string(c) + " at offset " + std::to_string(i);
    }
    if (c == 0xC2 && i + 1 < out.size() && static_cast<unsigned char>(out[i + 1]) >= 0x80 &&
        static_cast<unsigned char>(out[i + 1]) <= 0x9F) {
      return "C1 control at offset " + std::to_string(i);
    }
  }
  return "";
}

// Hidden tests carry no figure that a program could modulate with their inputs.
void ExpectNoHiddenFigures(const json& result) {
  for (const auto& test : result["tests"]) {
    if (test["visibility"] != "hidden") continue;
    for (const char* figure :
         {"cpu_time_ms", "wall_time_ms", "peak_memory_bytes", "max_rel_error"}) {
      EXPECT_TRUE(test[figure].is_null())
          << test["name"] << " shows " << figure << ": " << test.dump();
    }
  }
}

// The database keeps no figure of a hidden test either (outputs built from it later, and cache
// hits, copy what it holds). Also checks that every stored text is valid UTF-8.
void ExpectNoHiddenFiguresStored(const fs::path& data_dir) {
  SQLite::Database db((data_dir / "grader.db").string(), SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("SELECT COUNT(*) FROM test_results WHERE visibility = 'hidden' AND "
                          "(cpu_time_ms <> 0 OR wall_time_ms <> 0 OR peak_memory_bytes <> 0 OR "
                          "max_rel_error IS NOT NULL)")
                .getInt64(),
            0);
  SQLite::Statement texts(db,
                          "SELECT message FROM test_results UNION ALL "
                          "SELECT compile_output FROM submissions");
  while (texts.executeStep()) {
    const std::string text = texts.getColumn(0).getString();
    EXPECT_TRUE(base::utf8::IsValid(text)) << text;
  }
}

// The extra formats a case asks for: the same verdicts, and every output safe.
void CheckFormats(const SecurityCase& hostile) {
  for (const std::string& format : hostile.formats()) {
    const CommandResult r = hostile.GradeAs(format);
    ASSERT_EQ(r.exit_code, 0) << format << ": " << r.err;
    EXPECT_EQ(TerminalControlIn(r.out), "") << format << " output:\n" << r.out;
    if (format == "junit") {
      EXPECT_EQ(hostile.XmlParseError(r.out), "") << r.out;
      // <testcase name="hidden_..." ... time="0">: no time for hidden tests.
      for (size_t at = r.out.find("<testcase name=\"hidden"); at != std::string::npos;
           at = r.out.find("<testcase name=\"hidden", at + 1)) {
        const std::string tag = r.out.substr(at, r.out.find('>', at) - at);
        EXPECT_NE(tag.find("time=\"0\""), std::string::npos) << tag;
      }
    } else if (format == "gradescope") {
      const json results = json::parse(r.out);
      for (const auto& test : results["tests"]) EXPECT_EQ(test["score"], 0) << test.dump();
    }
  }
}

class SecurityTest : public ::testing::TestWithParam<std::string> {};

TEST_P(SecurityTest, GetsItsVerdictAndTheHostIsUntouched) {
  SecurityCase hostile(GetParam());
  const std::string expect = hostile.expect();
  ASSERT_FALSE(expect.empty()) << GetParam() << ".cpp has no '// expect:' header";
  const Graded graded = hostile.Grade();
  const json& result = graded.result;
  if (expect == "rejected") {
    EXPECT_EQ(graded.raw.exit_code, 2) << graded.raw.out << graded.raw.err;
    EXPECT_NE(graded.raw.err.find(hostile.detail()), std::string::npos) << graded.raw.err;
  } else {
    ASSERT_EQ(graded.raw.exit_code, 0) << "the grader did not finish: " << graded.raw.err;
    ASSERT_TRUE(result.contains("tests")) << graded.raw.out;
    EXPECT_EQ(result["score"], 0) << result.dump(2);
    for (const auto& test : result["tests"]) EXPECT_EQ(test["score"], 0) << test.dump();
    if (expect == "compile_error") {
      EXPECT_EQ(result["status"], "compile_error") << result.dump(2);
      EXPECT_LE(result["compile_output"].get<std::string>().size(), size_t{17} << 10);
    } else {
      EXPECT_EQ(result["status"], "graded") << result.dump(2);
      bool found = false;
      std::stringstream alternatives(expect);
      std::string verdict;
      while (std::getline(alternatives, verdict, '|')) {
        for (const auto& test : result["tests"]) found |= test["verdict"] == verdict;
      }
      EXPECT_TRUE(found) << "no test got " << expect << ": " << result.dump(2);
    }
    if (!hostile.detail().empty()) {
      EXPECT_NE(graded.raw.out.find(hostile.detail()), std::string::npos) << result.dump(2);
    }
    EXPECT_EQ(TerminalControlIn(graded.raw.out), "") << graded.raw.out;
    ExpectNoHiddenFigures(result);
    ExpectNoHiddenFiguresStored(hostile.data_dir());
    CheckFormats(hostile);
  }
  hostile.CheckHost(graded);
}

INSTANTIATE_TEST_SUITE_P(Corpus, SecurityTest, ::testing::ValuesIn(CaseNames()),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                           return param_info.param;
                         });

// Four hostile submissions at once do not disturb a correct one graded beside them.
TEST(SecurityConcurrencyTest, HostileNeighboursDoNotDisturbACorrectSubmission) {
  const std::vector<std::string> hostile = {"fork_bomb", "stdout_flood", "heap_touch", "cpu_spin"};
  std::vector<std::unique_ptr<SecurityCase>> cases;
  for (const std::string& name : hostile) cases.push_back(std::make_unique<SecurityCase>(name));
  std::vector<Graded> results(hostile.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < hostile.size(); ++i) {
    threads.emplace_back([&, i] { results[i] = cases[i]->Grade(); });
  }
  testing_util::Grader grader;
  const CommandResult correct =
      grader.Run({"grade", "--problem", "relu", "--json",
                  (fs::path(GRADER_SOURCE_DIR) / "problems/relu/solution.cpp").string()});
  for (std::thread& thread : threads) thread.join();
  ASSERT_EQ(correct.exit_code, 0) << correct.err;
  const json result = json::parse(correct.out);
  EXPECT_EQ(result["score"], result["max_score"]) << result.dump(2);
  for (size_t i = 0; i < hostile.size(); ++i) {
    EXPECT_EQ(results[i].raw.exit_code, 0) << hostile[i] << ": " << results[i].raw.err;
    EXPECT_EQ(results[i].result["score"], 0) << hostile[i];
    cases[i]->CheckHost(results[i]);
  }
}

}  // namespace
