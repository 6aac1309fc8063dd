// End-to-end tests of `grader batch` and the result cache, run as a user would: layouts (flat,
// folders, Canvas and Moodle archives), hostile and malformed archives, outputs parsed back,
// kill-and-resume, and cache hits and misses. Batches are small (3-6 submissions).
#include <SQLiteCpp/SQLiteCpp.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "base/utf8.h"
#include "db/store.h"
#include "grader/problem_spec.h"
#include "test_util.h"
#include "zip_writer.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using testing_util::CommandResult;
using testing_util::Grader;
using testing_util::ReadFile;
using testing_util::TempDir;
using testing_util::WriteFile;
using testing_util::ZipEntry;

const fs::path kProblem = fs::path(GRADER_SOURCE_DIR) / "problems/linear_forward";

std::string Solution() { return ReadFile(kProblem / "solution.cpp"); }

// The number of tests of the problem, and its full marks as the gradebook writes them ("8").
size_t TestCount() {
  auto spec = grader::LoadProblem(kProblem);
  EXPECT_TRUE(spec.ok());
  return spec.ok() ? spec->tests.size() : 0;
}

std::string FullMarks() {
  auto spec = grader::LoadProblem(kProblem);
  EXPECT_TRUE(spec.ok());
  char text[32];
  std::snprintf(text, sizeof(text), "%g", spec.ok() ? spec->MaxScore() : -1.0);
  return text;
}
std::string Buggy() {
  std::string s = Solution();
  s.replace(s.find("+= b.transpose()"), 16, "-= b.transpose()");
  return s;
}
// Distinct sources (no cache hits between them) that grade like `base`.
std::string Variant(const std::string& base, int n) {
  return "// submission " + std::to_string(n) + "\n" + base;
}

int64_t Count(const fs::path& data_dir, const std::string& sql) {
  SQLite::Database db((data_dir / "grader.db").string(), SQLite::OPEN_READONLY);
  return db.execAndGet(sql).getInt64();
}

// learner -> the cells of their row, from a CSV gradebook.
std::map<std::string, std::vector<std::string>> CsvRows(const fs::path& path) {
  std::map<std::string, std::vector<std::string>> rows;
  const auto table = testing_util::ReadCsv(ReadFile(path));
  for (size_t i = 1; i < table.size(); ++i) rows[table[i][0]] = table[i];
  return rows;
}

TEST(BatchTest, FlatAndFolderLayoutsWithEveryOutput) {
  Grader g;
  TempDir dir;
  const fs::path cls = dir.path() / "class";
  fs::create_directories(cls / "dave");
  WriteFile(cls / "alice.cpp", Solution());
  WriteFile(cls / "bob.cpp", Buggy());
  WriteFile(cls / "dave" / "main.cpp", Variant(Solution(), 1));
  WriteFile(cls / "notes.txt", "not code");
  WriteFile(cls / "binary.cpp", std::string("\x7f"
                                            "ELF\0\0",
                                            6));
  const fs::path out = dir.path() / "out";
  fs::create_directories(out);
  CommandResult r =
      g.Run({"batch", "--problem", "linear_forward", "--jobs", "2", "--csv",
             (out / "g.csv").string(), "--json", (out / "g.json").string(), "--junit",
             (out / "g.xml").string(), "--gradescope", (out / "gs").string(), cls.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_NE(r.err.find("notes.txt: not a C++ source file"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("binary.cpp: "), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("Graded 3 of 3"), std::string::npos) << r.out;

  auto rows = CsvRows(out / "g.csv");
  ASSERT_EQ(rows.size(), 4u);  // and binary.cpp's learner, skipped with the reason
  EXPECT_EQ(rows["binary"][3], "skipped");
  EXPECT_EQ(rows["alice"][1], FullMarks());
  EXPECT_EQ(rows["dave"][1], FullMarks());
  EXPECT_EQ(rows["bob"][3], "graded");
  EXPECT_LT(std::stod(rows["bob"][1]), std::stod(FullMarks()));

  auto json = nlohmann::json::parse(ReadFile(out / "g.json"));
  EXPECT_EQ(json["results"].size(), 3u);
  EXPECT_EQ(json["skipped"].size(), 2u);

  // JUnit XML through a real XML parser.
  const char* script =
      "import sys, xml.etree.ElementTree as E\n"
      "r = E.parse(sys.argv[1]).getroot()\n"
      "assert r.tag == 'testsuites'\n"
      "for s in r.findall('testsuite'):\n"
      "  cases = s.findall('testcase')\n"
      "  bad = sum(1 for c in cases if c.find('failure') is not None or c.find('error') is not "
      "None)\n"
      "  assert int(s.get('tests')) == len(cases)\n"
      "  assert int(s.get('failures')) + int(s.get('errors')) == bad\n"
      "  print(s.get('name'), len(cases), bad)\n";
  CommandResult py =
      testing_util::RunCommand({"/usr/bin/python3", "-c", script, (out / "g.xml").string()});
  ASSERT_EQ(py.exit_code, 0) << py.err;
  const std::string tests = std::to_string(TestCount());
  EXPECT_NE(py.out.find("alice " + tests + " 0"), std::string::npos) << py.out;
  EXPECT_NE(py.out.find("bob " + tests + " " + tests), std::string::npos) << py.out;

  auto gs = nlohmann::json::parse(ReadFile(out / "gs" / "alice" / "results.json"));
  EXPECT_EQ(gs["score"], std::stod(FullMarks()));
  EXPECT_EQ(gs["tests"].size(), TestCount());
  EXPECT_EQ(Count(g.data_dir(), "SELECT COUNT(*) FROM submissions"), 3);
}

// JUnit: every learner's test cases under a classname of their own (CI tools key cases by
// classname and name: a shared classname showed one learner), and a compile error's output inside
// the test cases, where CI tools display it.
// Issue 11 item 3: a result belongs to the problem's content. Points changed in problem.toml
// without a version bump regrade a finished batch (not "nothing to do" with stale totals), and
// --regrade grades everything again with no cached result.
TEST(BatchTest, ChangedSpecRegradesAndRegradeFlagGradesAgain) {
  Grader g;
  TempDir dir;
  const fs::path problems = dir.path() / "problems";
  fs::create_directories(problems);
  fs::copy(kProblem, problems / "linear_forward", fs::copy_options::recursive);
  const fs::path cls = dir.path() / "class";
  fs::create_directories(cls);
  WriteFile(cls / "alice.cpp", Variant(Solution(), 31));
  WriteFile(cls / "bob.cpp", Variant(Buggy(), 32));
  const fs::path csv = dir.path() / "g.csv";
  const fs::path json = dir.path() / "g.json";
  auto batch = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"--problems", problems.string(), "batch",
                                     "--problem",  "linear_forward",  "--csv",
                                     csv.string(), "--json",          json.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(cls.string());
    return g.Run(args);
  };
  const std::string submissions = "SELECT COUNT(*) FROM submissions";
  ASSERT_EQ(batch({}).exit_code, 0);
  EXPECT_EQ(Count(g.data_dir(), submissions), 2);
  EXPECT_EQ(CsvRows(csv)["alice"][2], FullMarks());
  ASSERT_EQ(batch({}).exit_code, 0);  // the same inputs: the finished run, nothing graded
  EXPECT_EQ(Count(g.data_dir(), submissions), 2);

  // Every test worth one point more, same version.
  std::string toml = ReadFile(problems / "linear_forward/problem.toml");
  int added = 0;
  for (size_t at = toml.find("\npoints = "); at != std::string::npos;
       at = toml.find("\npoints = ", at + 1)) {
    const size_t digit = at + 10;
    toml[digit] = static_cast<char>(toml[digit] + 1);
    ++added;
  }
  WriteFile(problems / "linear_forward/problem.toml", toml);
  const CommandResult changed = batch({});
  ASSERT_EQ(changed.exit_code, 0) << changed.err;
  EXPECT_EQ(Count(g.data_dir(), submissions), 4);
  const std::string new_full = std::to_string(std::stoi(FullMarks()) + added);
  EXPECT_EQ(CsvRows(csv)["alice"][1], new_full);
  EXPECT_EQ(CsvRows(csv)["alice"][2], new_full);
  EXPECT_NE(changed.out.find("of " + new_full), std::string::npos) << changed.out;

  const CommandResult regraded = batch({"--regrade"});
  ASSERT_EQ(regraded.exit_code, 0) << regraded.err;
  EXPECT_EQ(Count(g.data_dir(), submissions), 6);
  for (const auto& result : nlohmann::json::parse(ReadFile(json))["results"]) {
    EXPECT_FALSE(result["cache_hit"].get<bool>()) << result["learner"];
  }
}

TEST(BatchTest, JUnitCasesPerLearnerWithCompileOutput) {
  Grader g;
  TempDir dir;
  const fs::path cls = dir.path() / "class";
  fs::create_directories(cls);
  WriteFile(cls / "alice.cpp", Solution());
  WriteFile(cls / "bob.cpp", Buggy());
  WriteFile(cls / "carol.cpp", "Eigen::MatrixXd linear_forward(int) { return undeclared_name; }\n");
  const fs::path xml = dir.path() / "g.xml";
  CommandResult r =
      g.Run({"batch", "--problem", "linear_forward", "--junit", xml.string(), cls.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  const char* script =
      "import sys, xml.etree.ElementTree as E\n"
      "r = E.parse(sys.argv[1]).getroot()\n"
      "seen = set()\n"
      "for s in r.findall('testsuite'):\n"
      "  for c in s.findall('testcase'):\n"
      "    key = (c.get('classname'), c.get('name'))\n"
      "    assert key not in seen, key\n"
      "    seen.add(key)\n"
      "    assert c.get('classname').startswith(s.get('name') + '.'), key\n"
      "    e = c.find('error')\n"
      "    if s.get('name') == 'carol':\n"
      "      assert e is not None and e.get('type') == 'compile_error', key\n"
      "      assert 'undeclared_name' in e.text, e.text\n"
      "print(len(seen))\n";
  CommandResult py = testing_util::RunCommand({PYTHON3, "-c", script, xml.string()});
  ASSERT_EQ(py.exit_code, 0) << py.err << ReadFile(xml);
  EXPECT_EQ(py.out, std::to_string(3 * TestCount()) + "\n");
}

// File names are learners' text: a Latin-1 name (not UTF-8), escape sequences in a file and a
// folder name, and a message holding U+FFFF and C0 controls must neither stop the batch nor
// reach the terminal raw, and every output must stay valid (JSON parses, JUnit is XML 1.0).
TEST(BatchTest, HostileFileNamesAndMessagesKeepOutputsValid) {
  Grader g;
  TempDir dir;
  const fs::path cls = dir.path() / "class";
  fs::create_directories(cls / "bob");
  WriteFile(cls / "caf\xE9.cpp", Solution());
  WriteFile(cls / "bob" / "\x1b]0;pwned\x07.cpp", Variant(Solution(), 2));
  WriteFile(cls / "\x1b[2J.cpp", Solution());  // the learner name has a control character
  std::string thrower = Solution();
  thrower.insert(
      thrower.find("  Eigen::MatrixXd Y"),
      "  throw std::runtime_error(\"\\xEF\\xBF\\xBF \\xEF\\xBF\\xBE \\x01\\x1b[2J end\");\n");
  WriteFile(cls / "cy.cpp", "#include <stdexcept>\n" + thrower);
  const fs::path out = dir.path() / "out";
  fs::create_directories(out);
  CommandResult r = g.Run({"batch", "--problem", "linear_forward", "--jobs", "2", "--json",
                           (out / "g.json").string(), "--junit", (out / "g.xml").string(),
                           "--gradescope", (out / "gs").string(), cls.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  for (const std::string* printed : {&r.out, &r.err}) {
    EXPECT_EQ(printed->find('\x1b'), std::string::npos) << *printed;
    EXPECT_EQ(printed->find('\x07'), std::string::npos) << *printed;
    EXPECT_TRUE(base::utf8::IsValid(*printed)) << *printed;
  }
  EXPECT_NE(r.err.find("skipped: \\x1b[2J.cpp: learner name contains a control character"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.out.find("bob/\\x1b]0;pwned\\x07.cpp"), std::string::npos) << r.out;  // Slowest:
  EXPECT_NE(r.out.find("Graded 3 of 3"), std::string::npos) << r.out;

  const auto json = nlohmann::json::parse(ReadFile(out / "g.json"));
  std::set<std::string> learners;
  for (const auto& result : json["results"]) learners.insert(result["learner"].get<std::string>());
  EXPECT_EQ(learners, (std::set<std::string>{"bob", "caf\xEF\xBF\xBD", "cy"}));
  const CommandResult py = testing_util::RunCommand(
      {PYTHON3, "-c", "import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])",
       (out / "g.xml").string()});
  EXPECT_EQ(py.exit_code, 0) << py.err << ReadFile(out / "g.xml");
  for (const auto& entry : fs::directory_iterator(out / "gs")) {
    EXPECT_NO_THROW(nlohmann::json::parse(ReadFile(entry.path() / "results.json"))) << entry.path();
  }
}

TEST(BatchTest, CanvasArchive) {
  Grader g;
  TempDir dir;
  const fs::path zip = dir.path() / "submissions.zip";
  ASSERT_TRUE(
      testing_util::WriteZip(zip, {{"smithjohn_12345_67890_linear_forward.cpp", Solution()},
                                   {"leeann_late_12346_67891_linear_forward-1.cpp", Buggy()},
                                   {"garciam_12347_67892_lf.cpp", Variant(Solution(), 2)},
                                   {"garciam_12347_67892_readme.txt", "hello"}}));
  const fs::path csv = dir.path() / "g.csv";
  CommandResult r =
      g.Run({"batch", "--problem", "linear_forward", "--csv", csv.string(), zip.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto rows = CsvRows(csv);
  ASSERT_EQ(rows.size(), 3u);
  // Keyed by the Canvas user id, the login kept as the name (the last two columns).
  EXPECT_EQ(rows["canvas:12345"][1], FullMarks());
  EXPECT_EQ(rows["canvas:12345"][4], "0");
  EXPECT_EQ(rows["canvas:12345"].end()[-2], "smithjohn");
  EXPECT_EQ(rows["canvas:12345"].back(), "12345");
  EXPECT_EQ(rows["canvas:12346"][4], "1");  // late
  EXPECT_EQ(rows["canvas:12347"][1], FullMarks());
  EXPECT_NE(r.err.find("readme.txt: not a C++ source file"), std::string::npos) << r.err;
}

TEST(BatchTest, MoodleArchive) {
  Grader g;
  TempDir dir;
  const fs::path zip = dir.path() / "moodle.zip";
  ASSERT_TRUE(testing_util::WriteZip(
      zip, {{"Ann Lee_4242_assignsubmission_file_/linear.cpp", Solution()},
            {"Bo Chen_4243_assignsubmission_file_/mine.cpp", Buggy()},
            {"Cy Dee_4244_assignsubmission_onlinetext_/onlinetext.cpp", "x"}}));
  const fs::path json = dir.path() / "g.json";
  CommandResult r =
      g.Run({"batch", "--problem", "linear_forward", "--json", json.string(), zip.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto doc = nlohmann::json::parse(ReadFile(json));
  ASSERT_EQ(doc["results"].size(), 2u);
  EXPECT_EQ(doc["results"][0]["learner"], "Ann Lee");
  EXPECT_EQ(doc["results"][0]["score"], std::stod(FullMarks()));
  EXPECT_EQ(doc["results"][1]["learner"], "Bo Chen");
  EXPECT_EQ(doc["skipped"].size(), 1u);
}

// A CSV file read by Python's csv module (utf-8-sig: the byte order mark is expected), as rows.
std::vector<std::vector<std::string>> PythonCsv(const fs::path& path) {
  const CommandResult py = testing_util::RunCommand(
      {PYTHON3, "-c",
       "import csv, json, sys\n"
       "raw = open(sys.argv[1], 'rb').read()\n"
       "assert raw.startswith(b'\\xef\\xbb\\xbf'), 'no byte order mark'\n"
       "rows = list(csv.reader(open(sys.argv[1], encoding='utf-8-sig', newline='')))\n"
       "print(json.dumps(rows))",
       path.string()});
  EXPECT_EQ(py.exit_code, 0) << py.err;
  if (py.exit_code != 0) return {};
  return nlohmann::json::parse(py.out).get<std::vector<std::vector<std::string>>>();
}

// Issue 11 item 2: learners are keyed by the LMS id where the layout has one, names are NFC,
// skipped learners keep a row with the reason, and the LMS gradebooks import.
TEST(BatchTest, LmsIdentitiesSurviveIntoEveryGradebook) {
  Grader g;
  TempDir dir;
  const fs::path canvas = dir.path() / "canvas.zip";
  // Two students whose Canvas login is the same, and one student with two files.
  ASSERT_TRUE(testing_util::WriteZip(canvas, {{"leeann_201_9001_lf.cpp", Variant(Solution(), 41)},
                                              {"leeann_202_9002_lf.cpp", Variant(Buggy(), 42)},
                                              {"kim_203_9003_a.cpp", Variant(Solution(), 43)},
                                              {"kim_203_9004_b.cpp", Variant(Solution(), 44)}}));
  const fs::path csv = dir.path() / "g.csv";
  const fs::path canvas_csv = dir.path() / "canvas.csv";
  CommandResult r =
      g.Run({"batch", "--problem", "linear_forward", "--csv", csv.string(), canvas.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = PythonCsv(csv);
  ASSERT_EQ(rows.size(), 4u);  // header, two Lee Anns, one row for the skipped Kim
  std::map<std::string, std::vector<std::string>> by_key;
  for (size_t i = 1; i < rows.size(); ++i) by_key[rows[i][0]] = rows[i];
  EXPECT_EQ(by_key["canvas:201"][1], FullMarks());
  EXPECT_LT(std::stod(by_key["canvas:202"][1]), std::stod(FullMarks()));
  EXPECT_EQ(by_key["canvas:202"].end()[-2], "leeann");
  EXPECT_EQ(by_key["canvas:203"][3], "skipped");
  EXPECT_NE(by_key["canvas:203"].end()[-3].find("has 2 submissions"), std::string::npos);

  r = g.Run({"batch", "--problem", "linear_forward", "--csv", canvas_csv.string(), "--csv-format",
             "canvas", canvas.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto imported = PythonCsv(canvas_csv);
  ASSERT_EQ(imported.size(), 5u);
  EXPECT_EQ(imported[0], (std::vector<std::string>{"Student", "ID", "SIS User ID", "SIS Login ID",
                                                   "Section", "linear_forward"}));
  EXPECT_EQ(imported[1][0], "Points Possible");
  EXPECT_EQ(imported[1][5], FullMarks());
  std::map<std::string, std::string> score_by_id;
  for (size_t i = 2; i < imported.size(); ++i) score_by_id[imported[i][1]] = imported[i][5];
  EXPECT_EQ(score_by_id["201"], FullMarks());
  EXPECT_EQ(score_by_id["203"], "");  // skipped: the LMS keeps what it had

  // Moodle: one person's name in NFC and in NFD (macOS) is one learner; two participants who
  // share a name are two learners.
  const std::string nfc = "Zo\xC3\xAB Ng";   // Zoë, precomposed
  const std::string nfd = "Zoe\xCC\x88 Ng";  // e + combining diaeresis
  const fs::path moodle = dir.path() / "moodle.zip";
  ASSERT_TRUE(testing_util::WriteZip(
      moodle, {{nfd + "_4250_assignsubmission_file_/mine.cpp",
                Variant(ReadFile(kProblem / "mistakes/weights_transposed.cpp"), 45)},
               {"Sam Poe_4251_assignsubmission_file_/a.cpp", Variant(Solution(), 46)},
               {"Sam Poe_4252_assignsubmission_file_/b.cpp", Variant(Solution(), 47)},
               {"Al Roy_4253_assignsubmission_onlinetext_/onlinetext.cpp", "x"}}));
  const fs::path worksheet = dir.path() / "moodle.csv";
  r = g.Run({"batch", "--problem", "linear_forward", "--csv", worksheet.string(), "--csv-format",
             "moodle", moodle.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto sheet = PythonCsv(worksheet);
  ASSERT_EQ(sheet.size(), 5u);
  EXPECT_EQ(sheet[0], (std::vector<std::string>{"Identifier", "Full name", "Grade", "Maximum Grade",
                                                "Feedback comments"}));
  std::map<std::string, std::vector<std::string>> by_participant;
  for (size_t i = 1; i < sheet.size(); ++i) by_participant[sheet[i][0]] = sheet[i];
  EXPECT_EQ(by_participant["Participant 4250"][1], nfc);
  EXPECT_NE(by_participant["Participant 4250"][4].find("Why tests failed"), std::string::npos)
      << by_participant["Participant 4250"][4];
  EXPECT_EQ(by_participant["Participant 4251"][2], FullMarks());
  EXPECT_EQ(by_participant["Participant 4252"][2], FullMarks());
  EXPECT_EQ(by_participant["Participant 4253"][2], "");
  EXPECT_NE(by_participant["Participant 4253"][4].find("onlinetext"), std::string::npos);

  // The NFD learner is found under the NFC name, as typed.
  r = g.Run({"learner", "show", "--json", nfc});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["submissions"], 1) << r.out;
}

TEST(BatchTest, HostileArchiveEntriesAreRefused) {
  Grader g;
  TempDir dir;
  const fs::path zip = dir.path() / "evil.zip";
  ASSERT_TRUE(testing_util::WriteZip(zip, {{"../escape.cpp", Solution()},
                                           {"link.cpp", "/etc/passwd", true},
                                           {"huge.cpp", std::string(300 << 10, 'x')},
                                           {"ok.cpp", Solution()}}));
  const fs::path csv = dir.path() / "g.csv";
  CommandResult r =
      g.Run({"batch", "--problem", "linear_forward", "--csv", csv.string(), zip.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("../escape.cpp: unsafe path"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("link.cpp: a symbolic link"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("huge.cpp: too large"), std::string::npos) << r.err;
  // The learners named by refused files get a row with the reason, and no grade.
  auto rows = CsvRows(csv);
  EXPECT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows["ok"][1], FullMarks());
  EXPECT_EQ(rows["link"][3], "skipped");
  EXPECT_EQ(rows["huge"][3], "skipped");
  EXPECT_EQ(rows["huge"][1], "");
  EXPECT_FALSE(fs::exists(dir.path().parent_path() / "escape.cpp"));
}

TEST(BatchTest, MalformedZipAndEmptyFolderAreInputErrors) {
  Grader g;
  TempDir dir;
  WriteFile(dir.path() / "broken.zip", "PK\x03\x04 this is not really a zip archive");
  CommandResult r =
      g.Run({"batch", "--problem", "linear_forward", (dir.path() / "broken.zip").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("broken.zip: not a valid zip archive"), std::string::npos) << r.err;
  fs::create_directories(dir.path() / "empty");
  r = g.Run({"batch", "--problem", "linear_forward", (dir.path() / "empty").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no submissions found"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(g.data_dir() / "grader.db"));
}

pid_t Spawn(const std::vector<std::string>& args) { return testing_util::SpawnQuiet(args); }

// Waits until the running batch has linked at least one item, then sends `signal`.
void InterruptMidway(const fs::path& data_dir, pid_t pid, int signal) {
  for (int i = 0; i < 6000; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    try {
      if (fs::exists(data_dir / "grader.db") &&
          Count(data_dir, "SELECT COUNT(*) FROM batch_items WHERE submission_id IS NOT NULL") > 0) {
        break;
      }
    } catch (const std::exception&) {
      // The schema may not exist yet.
    }
  }
  ::kill(pid, signal);
}

// Processes whose working directory is under `dir`.
std::vector<std::string> ProcessesIn(const fs::path& dir) {
  std::vector<std::string> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const fs::path cwd = fs::read_symlink(entry.path() / "cwd", ec);
    if (!ec && cwd.string().rfind(dir.string(), 0) == 0) found.push_back(name + " " + cwd.string());
  }
  return found;
}

class ResumeTest : public ::testing::TestWithParam<int> {};

TEST_P(ResumeTest, StoppedBatchFinishesOnRestartWithOneResultPerLearner) {
  const int signal = GetParam();
  TempDir dir, data;
  const fs::path cls = dir.path() / "class";
  fs::create_directories(cls);
  for (int i = 0; i < 5; ++i) {
    WriteFile(cls / ("learner" + std::to_string(i) + ".cpp"),
              Variant(i % 2 ? Buggy() : Solution(), 100 + i));
  }
  const fs::path csv = dir.path() / "g.csv";
  std::vector<std::string> args = {GRADER_BINARY, "--data-dir", data.path().string(),
                                   "batch",       "--problem",  "linear_forward",
                                   "--jobs",      "1",          "--csv",
                                   csv.string(),  cls.string()};
  // The batch's work directories (and so its children's working directories) go here.
  const fs::path tmp = dir.path() / "tmp";
  fs::create_directories(tmp);
  setenv("GRADER_CACHE", GRADER_TEST_CACHE_DIR, 1);
  setenv("TMPDIR", tmp.c_str(), 1);
  const pid_t pid = Spawn(args);
  unsetenv("TMPDIR");
  ASSERT_GT(pid, 0);
  InterruptMidway(data.path(), pid, signal);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  if (signal == SIGKILL) {
    ASSERT_TRUE(WIFSIGNALED(status));
  } else {
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 130);
    // The partial gradebook holds exactly what the database says is graded.
    const int64_t linked =
        Count(data.path(), "SELECT COUNT(*) FROM batch_items WHERE submission_id IS NOT NULL");
    EXPECT_EQ(static_cast<int64_t>(CsvRows(csv).size()), linked);
    EXPECT_EQ(Count(data.path(), "SELECT COUNT(*) FROM submissions"), linked);
    EXPECT_TRUE(fs::is_empty(tmp)) << "work directories left behind";
  }
  // No child of the stopped batch is still running.
  for (int attempt = 0; attempt < 50 && !ProcessesIn(tmp).empty(); ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(ProcessesIn(tmp), std::vector<std::string>{});
  const int64_t before = Count(data.path(), "SELECT COUNT(*) FROM submissions");
  EXPECT_LT(before, 5) << "the batch finished before it could be stopped";

  CommandResult r = testing_util::RunCommand(args, {"GRADER_CACHE=" GRADER_TEST_CACHE_DIR});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find(std::to_string(before) + " already graded"), std::string::npos) << r.err;
  EXPECT_EQ(Count(data.path(), "SELECT COUNT(*) FROM submissions"), 5);
  EXPECT_EQ(Count(data.path(), "SELECT COUNT(DISTINCT learner) FROM submissions"), 5);
  auto rows = CsvRows(csv);
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows["learner0"][1], FullMarks());
  EXPECT_EQ(rows["learner4"][1], FullMarks());
}

INSTANTIATE_TEST_SUITE_P(Signals, ResumeTest, ::testing::Values(SIGKILL, SIGINT),
                         [](const ::testing::TestParamInfo<int>& param) {
                           return param.param == SIGKILL ? "Kill" : "Interrupt";
                         });

TEST(CacheTest, IdenticalResubmissionHitsAndAnyByteChangeMisses) {
  Grader g;
  TempDir dir;
  const fs::path a = dir.path() / "a.cpp";
  const fs::path b = dir.path() / "b.cpp";
  const fs::path c = dir.path() / "c.cpp";
  const std::string source = Variant(Solution(), 7);
  WriteFile(a, source);
  // Same code with CRLF line ends and trailing spaces: a different key (the cache keys on the
  // exact bytes), graded again to the same marks.
  std::string crlf;
  for (char ch : source) crlf += ch == '\n' ? std::string("  \r\n") : std::string(1, ch);
  WriteFile(b, crlf);
  std::string changed = source;
  changed[changed.find("Y.row(i)")] = 'Z';  // one character: now it does not compile
  WriteFile(c, changed);
  auto grade = [&](const fs::path& file, const std::string& learner) {
    return g.Run({"grade", "--problem", "linear_forward", "--learner", learner, "--format",
                  "gradescope", file.string()});
  };
  CommandResult first = grade(a, "ann");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(Count(g.data_dir(), "SELECT COUNT(*) FROM result_cache"), 1);
  CommandResult second = grade(a, "bo");
  ASSERT_EQ(second.exit_code, 0) << second.err;
  // A hit: recorded for the second learner, nothing new cached, same result.
  EXPECT_EQ(Count(g.data_dir(), "SELECT COUNT(*) FROM result_cache"), 1);
  EXPECT_EQ(Count(g.data_dir(), "SELECT COUNT(*) FROM submissions WHERE learner = 'bo'"), 1);
  EXPECT_EQ(nlohmann::json::parse(first.out)["score"], nlohmann::json::parse(second.out)["score"]);
  CommandResult third = grade(b, "cy");
  ASSERT_EQ(third.exit_code, 0) << third.err;
  EXPECT_EQ(Count(g.data_dir(), "SELECT COUNT(*) FROM result_cache"), 2);
  EXPECT_EQ(nlohmann::json::parse(first.out)["score"], nlohmann::json::parse(third.out)["score"]);
  auto store = db::Store::Open((g.data_dir() / "grader.db").string());
  ASSERT_TRUE(store.ok());
  auto cy = (*store)->ListSubmissions("cy", 1);
  ASSERT_TRUE(cy.ok() && cy->size() == 1);
  EXPECT_EQ((*cy)[0].source, crlf);  // the learner's own bytes are kept
  CommandResult fourth = grade(c, "di");
  ASSERT_EQ(fourth.exit_code, 0) << fourth.err;
  EXPECT_EQ(Count(g.data_dir(), "SELECT COUNT(*) FROM result_cache"), 3);
  EXPECT_EQ(nlohmann::json::parse(fourth.out)["score"], 0.0);
}

// Two programs whose sources differ only inside a raw string literal, where the compiler keeps
// every byte: the bias is added when the literal is `right`, subtracted otherwise.
std::string RawLiteralTwin(const std::string& literal, const std::string& right) {
  std::string source = "#include <Eigen/Dense>\n#include <cstring>\n";
  source.append("static const char* const kMarker = R\"(").append(literal).append(")\";\n");
  source.append(
      "Eigen::MatrixXd linear_forward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& W,\n"
      "                               const Eigen::VectorXd& b) {\n");
  source.append("  const double sign = std::strcmp(kMarker, \"").append(right);
  source.append(
      "\") == 0 ? 1.0 : -1.0;\n"
      "  Eigen::MatrixXd Y = X * W;\n"
      "  for (Eigen::Index i = 0; i < Y.rows(); ++i) Y.row(i) += sign * b.transpose();\n"
      "  return Y;\n"
      "}\n");
  return source;
}

struct TwinCase {
  const char* name;
  std::string right_literal;  // as written in the source
  std::string wrong_literal;  // what the v1 normalisation turned `right_literal` into, or back
  std::string right_escaped;  // `right_literal` as an ordinary string literal
};

void PrintTo(const TwinCase& twin, std::ostream* os) { *os << twin.name; }

class CacheTwinTest : public ::testing::TestWithParam<TwinCase> {};

// Marks (score and every verdict) of a JSON result.
std::string Marks(const CommandResult& r) {
  const nlohmann::json j = nlohmann::json::parse(r.out);
  std::string marks = j["score"].dump();
  for (const auto& t : j["tests"]) marks.append(" ").append(t["verdict"].get<std::string>());
  return marks;
}

TEST_P(CacheTwinTest, EachTwinGetsItsOwnMarksInBothOrders) {
  const TwinCase& twin = GetParam();
  TempDir dir;
  const fs::path right = dir.path() / "right.cpp";
  const fs::path wrong = dir.path() / "wrong.cpp";
  WriteFile(right, RawLiteralTwin(twin.right_literal, twin.right_escaped));
  WriteFile(wrong, RawLiteralTwin(twin.wrong_literal, twin.right_escaped));
  auto grade = [](const Grader& g, const fs::path& file, bool cache) {
    std::vector<std::string> args = {"grade", "--problem", "linear_forward", "--format", "json"};
    if (!cache) args.push_back("--no-cache");
    args.push_back(file.string());
    CommandResult r = g.Run(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return Marks(r);
  };
  Grader uncached;
  const std::string right_marks = grade(uncached, right, false);
  const std::string wrong_marks = grade(uncached, wrong, false);
  ASSERT_NE(right_marks, wrong_marks) << "the twins must grade differently";
  for (bool right_first : {true, false}) {
    Grader g;  // a fresh cache for each order
    const fs::path& first = right_first ? right : wrong;
    const fs::path& second = right_first ? wrong : right;
    EXPECT_EQ(grade(g, first, true), right_first ? right_marks : wrong_marks);
    EXPECT_EQ(grade(g, second, true), right_first ? wrong_marks : right_marks)
        << (right_first ? "the wrong twin got the right twin's cached marks"
                        : "the right twin got the wrong twin's cached marks");
  }
}

INSTANTIATE_TEST_SUITE_P(RawLiterals, CacheTwinTest,
                         ::testing::Values(TwinCase{"TrailingSpace", "x \n", "x\n", "x \\n"},
                                           TwinCase{"LoneCarriageReturn", "x\r", "x\n", "x\\r"}),
                         [](const ::testing::TestParamInfo<TwinCase>& param) {
                           return std::string(param.param.name);
                         });

TEST(FastPathTest, IncludingTheApiHeaderStillCompiles) {
  // The declarations come from the precompiled header; the learner's own include of api.h
  // must not declare the problem's types a second time.
  Grader g;
  TempDir dir;
  const fs::path file = dir.path() / "with_include.cpp";
  WriteFile(file, "#include \"api.h\"\n" + ReadFile(fs::path(GRADER_SOURCE_DIR) /
                                                    "problems/linear_backward/solution.cpp"));
  CommandResult r =
      g.Run({"grade", "--problem", "linear_backward", "--format", "json", file.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["score"], 6.0) << r.out;
}

}  // namespace
