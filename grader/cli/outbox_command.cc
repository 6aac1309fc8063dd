// `grader outbox ...` and `grader lti jwks` (grader/cli/outbox_command.h).
#include "grader/cli/outbox_command.h"

#include <signal.h>

#include <chrono>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "db/outbox.h"
#include "db/store.h"
#include "grader/cli/exit_codes.h"
#include "grader/data_dir.h"
#include "service/config.h"
#include "service/lti.h"
#include "service/outbox.h"

namespace grader::cli {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

base::StatusOr<std::unique_ptr<db::Store>> OpenStore(const GlobalOptions& global) {
  auto data_dir = OpenDataDir(ResolveDataDir(global.data_dir));
  if (!data_dir.ok()) return data_dir.status();
  return db::Store::Open(global.database.empty() ? data_dir->database().string() : global.database);
}

nlohmann::json RowJson(const db::OutboxRow& row) {
  nlohmann::json payload = nlohmann::json::parse(row.payload, nullptr, false);
  return {
      {"id", row.id},
      {"job_id", row.job_id},
      {"kind", row.kind},
      {"target", row.target},
      {"platform", row.platform.empty() ? nlohmann::json() : nlohmann::json(row.platform)},
      {"delivery_id", row.delivery_id},
      {"status", row.status},
      {"attempts", row.attempts},
      {"next_attempt_ms", row.next_attempt_ms},
      {"last_error", row.last_error},
      {"created_at", row.created_at},
      {"finished_at", row.finished_at.empty() ? nlohmann::json() : nlohmann::json(row.finished_at)},
      {"payload", payload.is_discarded() ? nlohmann::json(row.payload) : payload}};
}

// When a pending row is next due, relative to now ("now", "in 12.3 s").
std::string DueText(const db::OutboxRow& row) {
  if (row.status != "pending") return "-";
  const int64_t wait_ms = row.next_attempt_ms - NowMs();
  if (wait_ms <= 0) return "now";
  return "in " + std::to_string(wait_ms / 1000) + "." + std::to_string(wait_ms % 1000 / 100) + " s";
}

}  // namespace

int OutboxList(const GlobalOptions& global, bool dead_only, bool json) {
  auto store = OpenStore(global);
  if (!store.ok()) return Fail(store.status());
  auto rows = db::ListOutbox((*store)->connection(), dead_only);
  if (!rows.ok()) return Fail(rows.status());
  if (json) {
    nlohmann::json list = nlohmann::json::array();
    for (const db::OutboxRow& row : *rows) list.push_back(RowJson(row));
    std::cout << list.dump(2) << "\n";
    return kExitOk;
  }
  if (rows->empty()) {
    std::cout << (dead_only ? "no dead letters\n" : "the outbox is empty\n");
    return kExitOk;
  }
  for (const db::OutboxRow& row : *rows) {
    std::cout << row.id << "  " << row.kind << "  " << row.status << "  attempts " << row.attempts
              << "  due " << DueText(row) << "  job " << row.job_id << "  " << row.target
              << (row.last_error.empty() ? "" : "  (" + row.last_error + ")") << "\n";
  }
  return kExitOk;
}

int OutboxRetry(const GlobalOptions& global, int64_t id) {
  auto store = OpenStore(global);
  if (!store.ok()) return Fail(store.status());
  base::Status retried = db::RetryOutboxRow((*store)->connection(), id, NowMs());
  if (!retried.ok()) return Fail(retried);
  std::cout << "outbox row " << id << " is pending again\n";
  return kExitOk;
}

int OutboxDeliver(const GlobalOptions& global, const std::string& config_path, bool until_idle) {
  auto config = service::LoadServiceConfig(config_path);
  if (!config.ok()) return Fail(config.status());
  auto data_dir = OpenDataDir(ResolveDataDir(global.data_dir));
  if (!data_dir.ok()) return Fail(data_dir.status());
  const std::string database =
      global.database.empty() ? data_dir->database().string() : global.database;

  // SIGINT and SIGTERM are blocked before the delivery threads start (they inherit the mask)
  // and taken here by sigtimedwait, so a Ctrl-C ends the loop below, not the process.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::mutex mutex;
  std::map<std::string, int64_t> outcomes;  // guarded by mutex
  auto dispatcher = service::OutboxDispatcher::Start(
      *config, {database}, [&](std::string_view, std::string_view outcome) {
        std::lock_guard<std::mutex> lock(mutex);
        ++outcomes[std::string(outcome)];
      });
  if (!dispatcher.ok()) return Fail(dispatcher.status());
  const timespec poll = {0, 100 * 1000 * 1000};
  while (sigtimedwait(&signals, nullptr, &poll) < 0) {
    if (!until_idle) continue;
    auto pending = service::CountPendingOutbox(database);
    if (!pending.ok()) {
      (*dispatcher)->Stop();
      return Fail(pending.status());
    }
    if (*pending == 0) break;
  }
  (*dispatcher)->Stop();
  std::lock_guard<std::mutex> lock(mutex);
  std::cout << "outbox: " << outcomes["delivered"] << " delivered, " << outcomes["dead"]
            << " dead, " << outcomes["retry"] << " retries\n";
  return kExitOk;
}

int LtiJwks(const std::string& config_path) {
  auto config = service::LoadServiceConfig(config_path);
  if (!config.ok()) return Fail(config.status());
  auto jwks = service::JwksJson(config->lti);
  if (!jwks.ok()) return Fail(jwks.status());
  std::cout << nlohmann::json::parse(*jwks).dump(2) << "\n";
  return kExitOk;
}

}  // namespace grader::cli
