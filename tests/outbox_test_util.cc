// Helpers of the outbox tests (tests/outbox_test_util.h).
#include "tests/outbox_test_util.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

namespace outbox_test {
namespace {

// Forks and execs argv with stdout on a pipe; returns {pid, read end}.
std::pair<pid_t, int> Spawn(const std::vector<std::string>& argv, bool with_stderr = false) {
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) return {-1, -1};
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(pipe_fds[1], STDOUT_FILENO);
    if (with_stderr) dup2(pipe_fds[1], STDERR_FILENO);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  return {pid, pipe_fds[0]};
}

std::string NodeScript(const std::string& script) {
  return std::string(GRADER_SOURCE_DIR) + "/tests/node/" + script;
}

}  // namespace

std::unique_ptr<NodePeer> NodePeer::Start(const std::string& script,
                                          const nlohmann::json& options) {
  auto [pid, out] = Spawn({"node", NodeScript(script), options.dump()});
  if (pid < 0) return nullptr;
  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (line.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    pollfd ready{out, POLLIN, 0};
    if (poll(&ready, 1, 100) <= 0) continue;
    char buffer[256];
    const ssize_t n = read(out, buffer, sizeof buffer);
    if (n <= 0) break;
    line.append(buffer, static_cast<size_t>(n));
  }
  close(out);
  const nlohmann::json hello = nlohmann::json::parse(line, nullptr, false);
  if (!hello.is_object() || !hello.contains("port")) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    ADD_FAILURE() << script << " did not start: '" << line << "'";
    return nullptr;
  }
  return std::unique_ptr<NodePeer>(new NodePeer(pid, hello["port"].get<int>()));
}

NodePeer::~NodePeer() {
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
}

std::string NodePeer::Url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

nlohmann::json NodePeer::Get(const std::string& path) const {
  httplib::Client client("127.0.0.1", port_);
  httplib::Result result = client.Get(path);
  if (!result || result->status != 200) {
    ADD_FAILURE() << "GET " << path << " failed";
    return nlohmann::json::object();
  }
  return nlohmann::json::parse(result->body);
}

void NodePeer::Post(const std::string& path, const nlohmann::json& body) const {
  httplib::Client client("127.0.0.1", port_);
  httplib::Result result = client.Post(path, body.dump(), "application/json");
  EXPECT_TRUE(result && result->status == 200) << "POST " << path;
}

TempDataDir::TempDataDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "outbox-test-XXXXXX").string();
  root_ = mkdtemp(pattern.data());
  auto store = db::Store::Open(database_path());
  EXPECT_TRUE(store.ok()) << store.status().message();
  store_ = std::move(*store);
}

TempDataDir::~TempDataDir() {
  store_.reset();
  std::filesystem::remove_all(root_);
}

int64_t TempDataDir::AddRow(const std::string& kind, const std::string& target,
                            const std::string& payload, const std::string& platform) {
  SQLite::Database& database = store_->database();
  const int64_t job = next_job_++;
  SQLite::Statement insert(database,
                           "INSERT INTO service_jobs (id, webhook_id, problem_id, learner, "
                           "source, status, created_at) VALUES (?, ?, 'relu', 'ada', '', "
                           "'graded', '2026-12-02T16:00:00.000Z')");
  insert.bind(1, job);
  insert.bind(2, "msg_job" + std::to_string(job));
  insert.exec();
  db::OutboxRow row;
  row.job_id = job;
  row.kind = kind;
  row.target = target;
  row.platform = platform;
  row.payload = payload;
  row.delivery_id = "msg_" + std::string(28, '0') + std::to_string(1000 + job);
  row.next_attempt_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
  return db::InsertOutboxRowOrThrow(store_->connection(), row);
}

db::OutboxRow TempDataDir::Row(int64_t id) {
  auto rows = db::ListOutbox(store_->connection(), false);
  EXPECT_TRUE(rows.ok());
  for (const db::OutboxRow& row : *rows) {
    if (row.id == id) return row;
  }
  ADD_FAILURE() << "no outbox row " << id;
  return {};
}

std::filesystem::path TempDataDir::WriteSecretFile(const std::string& name,
                                                   const std::string& text) const {
  const std::filesystem::path path = root_ / name;
  std::ofstream(path) << text;
  chmod(path.c_str(), 0600);
  return path;
}

Output RunCommand(const std::vector<std::string>& argv, bool with_stderr) {
  auto [pid, out] = Spawn(argv, with_stderr);
  Output output;
  char buffer[4096];
  for (ssize_t n; (n = read(out, buffer, sizeof buffer)) > 0;) {
    output.out.append(buffer, static_cast<size_t>(n));
  }
  close(out);
  int status = 0;
  waitpid(pid, &status, 0);
  output.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return output;
}

db::OutboxRow WaitFinished(TempDataDir& dir, int64_t id, int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  db::OutboxRow row = dir.Row(id);
  while (row.status == "pending" && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    row = dir.Row(id);
  }
  return row;
}

}  // namespace outbox_test
