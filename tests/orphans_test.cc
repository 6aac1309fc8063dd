// Work directories left by killed graders: only those whose owner is gone are removed.
#include "grader/orphans.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "grader/work_dir.h"
#include "sandbox/owner.h"

namespace grader {
namespace {

namespace fs = std::filesystem;

// A pid that belonged to a process that has exited (and been reaped).
pid_t DeadPid() {
  const pid_t pid = fork();
  if (pid == 0) _exit(0);
  int status = 0;
  waitpid(pid, &status, 0);
  return pid;
}

class OrphansTest : public ::testing::Test {
 protected:
  OrphansTest() {
    std::string t = (fs::temp_directory_path() / "orphans-test-XXXXXX").string();
    EXPECT_NE(::mkdtemp(t.data()), nullptr);
    parent_ = t;
  }
  ~OrphansTest() override {
    std::error_code ec;
    fs::remove_all(parent_, ec);
  }
  fs::path MakeDir(const std::string& name) {
    fs::create_directories(parent_ / name / "deeper");
    std::ofstream(parent_ / name / "deeper/pch.pch") << "sixty megabytes";
    return parent_ / name;
  }
  fs::path parent_;
};

TEST_F(OrphansTest, OnlyDirectoriesOfGoneOwnersAreRemoved) {
  // First: the first Create in a parent cleans it already (the next test).
  auto live = WorkDir::Create(parent_);
  ASSERT_TRUE(live.ok()) << live.status().message();
  const sandbox::Owner self = sandbox::SelfOwner();
  const std::string dead = std::to_string(DeadPid());
  const std::string own_pid = std::to_string(self.pid);
  // Orphans: a dead owner; our own pid with another start time (a reused pid).
  const fs::path orphan = MakeDir("dlgrader-" + dead + "-4242-AbC123");
  const fs::path reused = MakeDir("dlgrader-" + own_pid + "-1-ZZZZZZ");
  // A link inside an orphan is removed, never followed.
  std::ofstream(parent_ / "outside.txt") << "keep";
  fs::create_symlink(parent_ / "outside.txt", orphan / "link");
  // Not orphans: the live work directory of this process; a dead owner's directory whose lock
  // someone holds (a live grader in another pid namespace); names we did not write.
  const fs::path locked = MakeDir("dlgrader-" + dead + "-4242-LoCkEd");
  const int lock_fd = open(locked.c_str(), O_RDONLY | O_DIRECTORY);
  ASSERT_GE(lock_fd, 0);
  ASSERT_EQ(flock(lock_fd, LOCK_EX), 0);
  const fs::path legacy = MakeDir("dlgrader-Ab12Cd");
  const fs::path other = MakeDir("someone-else-" + dead + "-1-XXXXXX");

  EXPECT_EQ(RemoveOrphanWorkDirs(parent_), 2u);
  EXPECT_FALSE(fs::exists(orphan));
  EXPECT_FALSE(fs::exists(reused));
  EXPECT_TRUE(fs::exists(parent_ / "outside.txt"));
  EXPECT_TRUE(fs::is_directory(live->path()));
  EXPECT_TRUE(fs::exists(locked / "deeper/pch.pch"));
  EXPECT_TRUE(fs::exists(legacy / "deeper/pch.pch"));
  EXPECT_TRUE(fs::exists(other / "deeper/pch.pch"));
  close(lock_fd);
}

TEST_F(OrphansTest, WorkDirIsNamedForItsOwnerAndCleansTheParentFirst) {
  const fs::path orphan = MakeDir("dlgrader-" + std::to_string(DeadPid()) + "-77-q1w2e3");
  auto work = WorkDir::Create(parent_);
  ASSERT_TRUE(work.ok()) << work.status().message();
  EXPECT_FALSE(fs::exists(orphan));
  const std::string prefix = "dlgrader-" + sandbox::OwnerTag(sandbox::SelfOwner()) + "-";
  EXPECT_EQ(work->path().filename().string().rfind(prefix, 0), 0u) << work->path();
  EXPECT_EQ(RemoveOrphanWorkDirs(parent_), 0u);
}

TEST(OwnerTest, TagsRoundTripAndLiveness) {
  const sandbox::Owner self = sandbox::SelfOwner();
  EXPECT_GT(self.start_ticks, 0u);
  auto parsed = sandbox::ParseOwnerTag(sandbox::OwnerTag(self));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->pid, self.pid);
  EXPECT_EQ(parsed->start_ticks, self.start_ticks);
  EXPECT_TRUE(sandbox::OwnerAlive(self));
  EXPECT_FALSE(sandbox::OwnerAlive({self.pid, self.start_ticks + 1}));  // a reused pid
  EXPECT_FALSE(sandbox::OwnerAlive({DeadPid(), 0}));
  for (const char* bad : {"", "-", "x-1", "1-x", "0-5", "12-", "99999999999-1"}) {
    EXPECT_FALSE(sandbox::ParseOwnerTag(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace grader
