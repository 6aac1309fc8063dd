#include "service/serve.h"

#include <signal.h>

#include <iostream>

#include "db/deployment.h"
#include "db/service_jobs.h"
#include "grader/problem_spec.h"
#include "grader/run_lock.h"
#include "service/group_commit.h"
#include "service/http_api.h"
#include "service/lti.h"
#include "service/metrics.h"
#include "service/outbox.h"
#include "service/supervisor.h"
#include "service/worker.h"

namespace service {
namespace {

int CannotStart(const base::Status& status) {
  std::cerr << "grader serve: " << status.message() << std::endl;
  return 2;
}

std::string UrlHost(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

}  // namespace

int RunServe(const ServeOptions& options) {
  // Before any thread starts: SIGTERM/SIGINT are taken by sigwait below, not by a handler.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto config = LoadServiceConfig(options.config_path);
  if (!config.ok()) return CannotStart(config.status());
  // Opening the engine checks the data directory and creates its secret key before the
  // workers (which open it too) start.
  auto engine = grader::Engine::Open(options.engine);
  if (!engine.ok()) return CannotStart(engine.status());
  auto lock = grader::RunLock::TryAcquire((*engine)->data_dir().root / "locks", "serve",
                                          "grader serve on this data directory");
  if (!lock.ok()) return CannotStart(lock.status());
  auto problems = grader::LoadAllProblems(options.problems_dir);
  if (!problems.ok()) return CannotStart(problems.status());
  const std::string database = (*engine)->database_url();
  auto reader = db::Store::Open(database);
  auto writer = db::Store::Open(database, db::Store::Sync::kFull);
  if (!reader.ok()) return CannotStart(reader.status());
  if (!writer.ok()) return CannotStart(writer.status());
  // On SQLite this serve's workers are the only ones: a running job is a dead worker's. On a
  // shared PostgreSQL other hosts' workers hold live leases; dead ones expire on their own.
  if ((*reader)->dialect() == db::Dialect::kSqlite) {
    auto reset = db::ResetLeases(**reader);
    if (!reset.ok()) return CannotStart(reset.status());
    if (*reset > 0) std::cerr << "grader serve: " << *reset << " interrupted job(s) queued again\n";
  }
  // What every worker must agree on: this intake declares it (db/deployment.h).
  if (base::Status declared = db::RecordDeployment(
          **reader, DeploymentFactsFor(**engine, *problems), "grader serve on " + HostName());
      !declared.ok()) {
    return CannotStart(declared);
  }

  db::UseShortBusyWaits(**writer);
  Metrics metrics;
  GroupCommitter committer(std::move(*writer), config->max_queue);
  std::unique_ptr<Supervisor> supervisor;
  ApiDependencies deps;
  deps.config = &*config;
  deps.problems = &*problems;
  deps.committer = &committer;
  deps.reader = reader->get();
  deps.queries = engine->get();
  deps.metrics = &metrics;
  deps.workers_problem = [&supervisor] { return supervisor ? supervisor->Problem() : "starting"; };
  // The public halves of the configured LTI keys (service/lti.h), for platforms to verify our
  // client assertions; a key file that is not an RSA private key stops the start.
  std::string jwks;
  if (!config->lti.empty()) {
    auto keys = JwksJson(config->lti);
    if (!keys.ok()) return CannotStart(keys.status());
    jwks = std::move(*keys);
  }
  deps.jwks = [&jwks] { return jwks; };
  deps.public_url = config->public_url;
  // The outbox: callbacks and LTI scores of finished jobs, delivered with retries
  // (service/outbox.h, docs/service-outbox.md), counted in /metrics.
  auto count_delivery = [&metrics](std::string_view kind, std::string_view outcome) {
    metrics.CountDelivery(kind, outcome);
  };
  DispatcherOptions dispatch;
  dispatch.database_path = database;
  auto dispatcher = OutboxDispatcher::Start(*config, dispatch, count_delivery);
  if (!dispatcher.ok()) return CannotStart(dispatcher.status());

  HttpApi api(deps);
  auto port = api.Start(config->listen_host, config->listen_port);
  if (!port.ok()) return CannotStart(port.status());
  std::cout << "listening on http://" << UrlHost(config->listen_host) << ":" << *port << std::endl;

  std::vector<std::vector<std::string>> worker_args;
  for (int n = 1; n <= config->workers; ++n) {
    std::vector<std::string> args = options.global_args;
    for (const std::string& a :
         {std::string("worker"), std::string("--config"), config->path.string(),
          std::string("--worker-id"), std::to_string(n), std::string("--supervised"),
          std::string("--public-url"), api.public_url()}) {
      args.push_back(a);
    }
    worker_args.push_back(std::move(args));
  }
  supervisor = std::make_unique<Supervisor>(options.program, std::move(worker_args));
  supervisor->Start();

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  std::cerr << "grader serve: " << (signal_number == SIGINT ? "SIGINT" : "SIGTERM")
            << ": stopping (intake answers 503; workers finish their job within "
            << config->shutdown_grace_seconds << " s)" << std::endl;
  api.RefuseIntake();
  supervisor->Stop(std::chrono::seconds(config->shutdown_grace_seconds));
  (*dispatcher)->Stop();
  committer.Stop();
  api.Stop();
  std::cerr << "grader serve: stopped" << std::endl;
  return 0;
}

}  // namespace service
