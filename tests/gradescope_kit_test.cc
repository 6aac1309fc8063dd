// The Gradescope kit (docs/gradescope.md): the zip `grader gradescope-kit` writes, read back with
// Python's zipfile, and its run_autograder run as Gradescope would, on an /autograder-like tree,
// with the grader built here (setup.sh's build itself is not repeated in a test).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "test_util.h"

namespace {

namespace fs = std::filesystem;
using testing_util::CommandResult;
using testing_util::Grader;
using testing_util::ReadFile;
using testing_util::TempDir;
using testing_util::WriteFile;

const fs::path kRelu = fs::path(GRADER_SOURCE_DIR) / "problems/relu";

// Lists the zip as JSON {name: [unix mode, sha256]} and extracts it into `into`.
nlohmann::json ListAndExtract(const fs::path& zip, const fs::path& into) {
  const CommandResult py = testing_util::RunCommand(
      {PYTHON3, "-c",
       "import hashlib, json, os, sys, zipfile\n"
       "z = zipfile.ZipFile(sys.argv[1])\n"
       "out = {}\n"
       "for i in z.infolist():\n"
       "    data = z.read(i)\n"
       "    out[i.filename] = [(i.external_attr >> 16) & 0o777, hashlib.sha256(data).hexdigest()]\n"
       "    path = os.path.join(sys.argv[2], i.filename)\n"
       "    os.makedirs(os.path.dirname(path), exist_ok=True)\n"
       "    open(path, 'wb').write(data)\n"
       "    os.chmod(path, (i.external_attr >> 16) & 0o777)\n"
       "print(json.dumps(out))",
       zip.string(), into.string()});
  EXPECT_EQ(py.exit_code, 0) << py.err;
  return py.exit_code == 0 ? nlohmann::json::parse(py.out) : nlohmann::json::object();
}

std::string Sha256Of(const fs::path& path) {
  const CommandResult py = testing_util::RunCommand(
      {PYTHON3, "-c",
       "import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], 'rb').read()).hexdigest())",
       path.string()});
  return py.out.substr(0, 64);
}

TEST(GradescopeKitTest, ZipHoldsScriptsSourceOneProblemAndTheKey) {
  Grader g;
  TempDir dir;
  const fs::path zip = dir.path() / "kit.zip";
  const CommandResult r = g.Run({"gradescope-kit", "--problem", "relu", "--out", zip.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("secret key"), std::string::npos) << r.out;
  const nlohmann::json files = ListAndExtract(zip, dir.path() / "autograder");
  ASSERT_TRUE(files.contains("setup.sh"));
  ASSERT_TRUE(files.contains("run_autograder"));
  EXPECT_EQ(files["setup.sh"][0], 0755);
  EXPECT_EQ(files["run_autograder"][0], 0755);
  EXPECT_NE(ReadFile(dir.path() / "autograder/run_autograder").find("problem=relu\n"),
            std::string::npos);
  for (const char* needed :
       {"source/CMakeLists.txt", "source/grader/engine.h", "source/harness/harness_main.cc",
        "source/problems/relu/problem.toml", "source/problems/relu/reference.cc"}) {
    EXPECT_TRUE(files.contains(needed)) << needed;
  }
  for (const auto& [name, value] : files.items()) {
    EXPECT_FALSE(name.starts_with("source/problems/softmax")) << "only the kit's problem: " << name;
    EXPECT_FALSE(name.starts_with("source/tests/")) << name;
    EXPECT_FALSE(name.starts_with("source/build")) << name;
  }
  ASSERT_TRUE(files.contains("source/data/secret.key"));
  EXPECT_EQ(files["source/data/secret.key"][0], 0600);
  EXPECT_EQ(files["source/data/secret.key"][1], Sha256Of(g.data_dir() / "secret.key"));
}

// run_autograder on one submission: the metadata's e-mail as learner, results.json written.
CommandResult RunAutograder(const fs::path& root) {
  return testing_util::RunCommand(
      {"/bin/bash", (root / "run_autograder").string()},
      {"AUTOGRADER_ROOT=" + root.string(), std::string("GRADER_BIN=") + GRADER_BINARY,
       "GRADER_CACHE=" GRADER_TEST_CACHE_DIR});
}

TEST(GradescopeKitTest, RunAutograderAlwaysWritesAValidResultsJson) {
  Grader g;
  TempDir dir;
  const fs::path zip = dir.path() / "kit.zip";
  ASSERT_EQ(g.Run({"gradescope-kit", "--problem", "relu", "--out", zip.string()}).exit_code, 0);
  const fs::path root = dir.path() / "autograder";
  ListAndExtract(zip, root);
  WriteFile(root / "submission_metadata.json",
            R"({"users": [{"email": "zo\u00eb@example.edu", "name": "Zo\u00eb"}]})");
  fs::create_directories(root / "submission");

  // The solution: full marks, graded with the kit's key and problem.
  WriteFile(root / "submission/relu.cpp", ReadFile(kRelu / "solution.cpp"));
  CommandResult r = RunAutograder(root);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json results = nlohmann::json::parse(ReadFile(root / "results/results.json"));
  EXPECT_GT(results["score"].get<double>(), 0);
  EXPECT_EQ(results["score"], results["extra_data"]["max_score"]) << results.dump(2);
  EXPECT_EQ(results["extra_data"]["learner"], "zo\xC3\xAB@example.edu");

  // Not UTF-8: a 0 with the reason, not a broken autograder.
  WriteFile(root / "submission/relu.cpp", std::string("int x = 1; // caf\xE9\n"));
  r = RunAutograder(root);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  results = nlohmann::json::parse(ReadFile(root / "results/results.json"));
  EXPECT_EQ(results["score"], 0.0);
  EXPECT_NE(results["output"].get<std::string>().find("UTF-8"), std::string::npos)
      << results.dump(2);

  // Two files: a 0 that says why.
  WriteFile(root / "submission/other.cpp", ReadFile(kRelu / "solution.cpp"));
  r = RunAutograder(root);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  results = nlohmann::json::parse(ReadFile(root / "results/results.json"));
  EXPECT_EQ(results["score"], 0);
  EXPECT_NE(results["output"].get<std::string>().find("exactly one"), std::string::npos);
}

}  // namespace
