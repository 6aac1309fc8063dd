// A grading worker process (`grader worker`: started by `grader serve`, service/supervisor.h,
// or standalone on any host sharing the PostgreSQL database, docs/scale-out.md). It first checks
// that its secret and problem set agree with the deployment's (db/deployment.h; exit 3 with
// the reason when not, again every 30 s). It leases the oldest due job (db/service_jobs.h),
// keeps the lease alive with a heartbeat every lease/3, grades through the engine exactly as
// `grade` does (sandbox, cache, diagnosis, mastery) and records the result, the job's end and
// its outbox rows in one transaction. When the recording fails (e.g. the database restarted)
// the lease is given up so that the job is taken again; the connections reopen by themselves.
// SIGTERM/SIGINT: the current job is finished, then it exits 0. A supervised worker also
// receives SIGTERM when its parent dies (PR_SET_PDEATHSIG).
#pragma once

#include <string>
#include <vector>

#include "db/deployment.h"
#include "grader/engine.h"
#include "grader/problem_spec.h"
#include "service/config.h"

namespace service {

struct WorkerOptions {
  grader::EngineOptions engine;
  std::filesystem::path problems_dir;
  ServiceConfig config;
  std::string worker_id;    // "1".."workers": the lease owner is "<id>:<pid>:<random>"
  std::string public_url;   // base of the callbacks' result_url
  bool supervised = false;  // started by serve: stop when it dies
};

// What this host grades with, for db/deployment.h: a fingerprint of the secret and the
// problem set ("id@version" for every problem, sorted).
db::DeploymentFacts DeploymentFactsFor(const grader::Engine& engine,
                                       const std::vector<grader::ProblemSpec>& problems);
std::string HostName();

// Runs until signalled; the process exit code.
int RunWorker(const WorkerOptions& options);

}  // namespace service
