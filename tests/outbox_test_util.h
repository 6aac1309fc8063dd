// Helpers of the outbox tests: loopback peers in Node.js (tests/node/*.mjs), a temporary data
// directory with a job to hang outbox rows on, and child processes with captured output.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "db/outbox.h"
#include "db/store.h"

namespace outbox_test {

// A Node.js peer (tests/node/<script>) listening on 127.0.0.1; killed by the destructor.
class NodePeer {
 public:
  // Starts `node tests/node/<script> <options_json>` and waits (10 s at most) for its port.
  static std::unique_ptr<NodePeer> Start(const std::string& script, const nlohmann::json& options);
  ~NodePeer();
  int port() const { return port_; }
  std::string Url(const std::string& path) const;
  nlohmann::json Get(const std::string& path) const;
  void Post(const std::string& path, const nlohmann::json& body) const;

 private:
  NodePeer(pid_t pid, int port) : pid_(pid), port_(port) {}
  pid_t pid_;
  int port_;
};

// A temporary directory (removed by the destructor) holding a data directory's grader.db.
class TempDataDir {
 public:
  TempDataDir();
  ~TempDataDir();
  const std::filesystem::path& root() const { return root_; }
  std::string database_path() const { return (root_ / "grader.db").string(); }
  db::Store& store() { return *store_; }
  // A finished service job and a pending outbox row for it (due now); returns the row's id.
  int64_t AddRow(const std::string& kind, const std::string& target, const std::string& payload,
                 const std::string& platform = "");
  db::OutboxRow Row(int64_t id);
  // Writes `text` to root/name with mode 0600; returns the path.
  std::filesystem::path WriteSecretFile(const std::string& name, const std::string& text) const;

 private:
  std::filesystem::path root_;
  std::unique_ptr<db::Store> store_;
  int64_t next_job_ = 1;
};

// Runs argv (no shell) and returns {exit code, stdout}; stderr goes to the test's stderr, or
// into `out` too with `with_stderr`.
struct Output {
  int exit_code = -1;
  std::string out;
};
Output RunCommand(const std::vector<std::string>& argv, bool with_stderr = false);

// Waits (up to `timeout_ms`) until the row is no longer pending; returns it.
db::OutboxRow WaitFinished(TempDataDir& dir, int64_t id, int timeout_ms = 15000);

}  // namespace outbox_test
