// ProgramBuilder with a scripted runner: which files each compile step sees, without a compiler.
#include "grader/program_builder.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "grader/glue.h"

namespace grader {
namespace {

namespace fs = std::filesystem;

// Records every command with the files of its working directory at that moment, and creates
// the file named after -o (as the compiler or linker would).
class RecordingRunner : public ProcessRunner {
 public:
  struct Call {
    sandbox::Command command;
    std::vector<std::string> files;
  };
  sandbox::Outcome Run(const sandbox::Command& command, const sandbox::Limits&,
                       sandbox::Policy) override {
    Call call{command, {}};
    for (const auto& entry : fs::directory_iterator(command.working_dir)) {
      call.files.push_back(entry.path().filename().string());
    }
    std::sort(call.files.begin(), call.files.end());
    calls.push_back(call);
    const auto out = std::find(command.argv.begin(), command.argv.end(), "-o");
    if (out != command.argv.end() && out + 1 != command.argv.end()) {
      const fs::path target = fs::path(command.working_dir) / *(out + 1);
      std::ofstream(target) << "built";
    }
    sandbox::Outcome outcome;
    outcome.status = sandbox::Status::kOk;
    outcome.exit_code = 0;
    return outcome;
  }
  std::vector<Call> calls;
};

class TempTree {
 public:
  TempTree() {
    std::string t = (fs::temp_directory_path() / "builder-test-XXXXXX").string();
    EXPECT_NE(::mkdtemp(t.data()), nullptr);
    path_ = t;
  }
  ~TempTree() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

TEST(ProgramBuilderTest, LearnerCompileUsesThePrebuiltFilesInPlace) {
  // The 60 MB PCH used to be copied into every work directory (and left there by a kill).
  TempTree tree;
  const fs::path source_root = GRADER_SOURCE_DIR;
  auto problem = LoadProblem(source_root / "problems/relu");
  ASSERT_TRUE(problem.ok()) << problem.status().message();
  const fs::path work = tree.path() / "work";
  fs::create_directories(work);
  fs::create_directories(tree.path() / "cache");
  RecordingRunner runner;
  ProgramBuilder builder(runner, source_root, tree.path() / "cache");
  auto built = builder.Build(*problem, "int x;\n", work);
  ASSERT_TRUE(built.ok()) << built.status().message();
  EXPECT_TRUE(built->compiled);
  ASSERT_FALSE(runner.calls.empty());
  const RecordingRunner::Call& learner = runner.calls.back();
  EXPECT_EQ(learner.files, (std::vector<std::string>{"api.h", "submission.cpp"}));
  auto prebuilt = builder.Prepare(*problem);
  ASSERT_TRUE(prebuilt.ok());
  const fs::path prebuilt_dir = fs::absolute(prebuilt->pch.parent_path()).lexically_normal();
  EXPECT_EQ(learner.command.readonly_dirs, std::vector<std::string>{prebuilt_dir.string()});
  EXPECT_EQ(learner.command.writable_dirs, std::vector<std::string>{work.string()});
  const auto& argv = learner.command.argv;
  EXPECT_NE(std::find(argv.begin(), argv.end(), (prebuilt_dir / "pch.pch").string()), argv.end());
  EXPECT_NE(std::find(argv.begin(), argv.end(), (prebuilt_dir / "runtime.o").string()), argv.end());
  // The box's unprivileged uid must be able to enter the mounted directory.
  struct stat st {};
  ASSERT_EQ(::stat(prebuilt_dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0755, 0755u);
}

TEST(ProgramBuilderTest, PrebuildCompilesTheHeadersGeneratedFromTheProblemDir) {
  // --problems DIR: the harness must include the api.h and adapter.h generated from DIR's
  // problem.toml (grader/glue.h), never the source tree's, and the box must not need the problem
  // directory itself.
  TempTree tree;
  const fs::path source_root = GRADER_SOURCE_DIR;
  const fs::path copy = tree.path() / "problems/relu";
  fs::create_directories(copy);
  fs::copy_file(source_root / "problems/relu/problem.toml", copy / "problem.toml");
  auto problem = LoadProblem(copy);
  ASSERT_TRUE(problem.ok()) << problem.status().message();
  fs::create_directories(tree.path() / "cache");
  RecordingRunner runner;
  ProgramBuilder builder(runner, source_root, tree.path() / "cache");
  auto prebuilt = builder.Prepare(*problem);
  ASSERT_TRUE(prebuilt.ok()) << prebuilt.status().message();
  for (const RecordingRunner::Call& call : runner.calls) {
    for (const std::string& dir : call.command.readonly_dirs) EXPECT_NE(dir, copy.string());
    const auto& argv = call.command.argv;
    const auto include = std::find(argv.begin(), argv.end(), "-I");
    if (include == argv.end()) continue;
    // The build's own include/ (the copies) comes before the source root.
    ASSERT_NE(include + 1, argv.end());
    EXPECT_EQ(fs::path(*(include + 1)).filename(), "include");
  }
  const fs::path installed = prebuilt->pch.parent_path() / "include/problems/relu";
  for (const auto& [f, generated] :
       {std::pair{"api.h", ApiHeader(*problem)}, std::pair{"adapter.h", Adapter(*problem)}}) {
    std::ifstream a(installed / f);
    std::string left((std::istreambuf_iterator<char>(a)), {});
    EXPECT_EQ(left, generated) << f;
    EXPECT_FALSE(left.empty()) << f;
  }
}

}  // namespace
}  // namespace grader
