// A grading worker process (`grader worker`, hidden; started by `grader serve`,
// service/supervisor.h). It leases the oldest due job (db/service_jobs.h), keeps the lease
// alive with a heartbeat every lease/3, grades through the engine exactly as `grade` does
// (sandbox, cache, diagnosis, mastery) and records the result, the job's end and its outbox
// rows in one transaction. SIGTERM/SIGINT: the current job is finished, then it exits 0. It
// also receives SIGTERM when its parent dies (PR_SET_PDEATHSIG).
#pragma once

#include <string>

#include "grader/engine.h"
#include "service/config.h"

namespace service {

struct WorkerOptions {
  grader::EngineOptions engine;
  std::filesystem::path problems_dir;
  ServiceConfig config;
  std::string worker_id;   // "1".."workers": the lease owner is "<id>:<pid>:<random>"
  std::string public_url;  // base of the callbacks' result_url
};

// Runs until signalled; the process exit code.
int RunWorker(const WorkerOptions& options);

}  // namespace service
