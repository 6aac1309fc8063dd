// Helpers for end-to-end tests that run build/grader as a user would.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace testing_util {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `argv` (argv[0] absolute) with the current environment plus `extra_env`, capturing output.
CommandResult RunCommand(const std::vector<std::string>& argv,
                         const std::vector<std::string>& extra_env = {});

// Starts `argv` (argv[0] absolute) in the background with stdout and stderr discarded, in the
// environment `envp` (default: this process's). Returns its pid, or -1 if it could not start;
// the caller waits for it.
int SpawnQuiet(const std::vector<std::string>& argv, char* const* envp = nullptr);

// A fresh temporary directory, removed at destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

std::string ReadFile(const std::filesystem::path& path);
void WriteFile(const std::filesystem::path& path, const std::string& text);

// The path of build/grader.
std::string GraderBinary();

// build/grader with a private data directory and the shared harness cache.
class Grader {
 public:
  Grader();
  CommandResult Run(std::vector<std::string> args) const;
  const std::filesystem::path& data_dir() const { return data_.path(); }

 private:
  TempDir data_;
};

// RFC 4180 rows (quoted cells may hold commas, quotes and newlines; rows end in CRLF).
std::vector<std::vector<std::string>> ReadCsv(const std::string& text);

}  // namespace testing_util
