// The service's HTTP API (docs/service.md, "Endpoints") on cpp-httplib: routes, their checks
// and their JSON. Intake writes through the GroupCommitter; GETs read through one shared
// reader connection and one query Engine (each behind a mutex: a Store is single-threaded).
// Every error is JSON {"error": "..."}; no error writes anything.
//
// Threading: httplib runs handlers on its own thread pool; everything here is thread-safe.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "db/store.h"
#include "grader/engine.h"
#include "grader/problem_spec.h"
#include "service/config.h"
#include "service/group_commit.h"
#include "service/metrics.h"

namespace httplib {
class Server;
}

namespace service {

struct ApiDependencies {
  const ServiceConfig* config = nullptr;
  std::string public_url;  // base of status_url, no trailing slash; empty: http://HOST:PORT
  const std::vector<grader::ProblemSpec>* problems = nullptr;
  GroupCommitter* committer = nullptr;
  db::Store* reader = nullptr;        // guarded by the API's own mutex
  grader::Engine* queries = nullptr;  // History/RecommendFor; guarded likewise
  Metrics* metrics = nullptr;
  // /readyz: "" when every worker is up, else why not.
  std::function<std::string()> workers_problem;
  // GET /.well-known/jwks.json: the body (JSON), or empty for 404 (wired at merge).
  std::function<std::string()> jwks;
};

class HttpApi {
 public:
  explicit HttpApi(ApiDependencies deps);
  ~HttpApi();  // Stop()s

  // Binds host:port (0: any free port) and serves on a background thread; the bound port.
  base::StatusOr<int> Start(const std::string& host, int port);
  // From now on intake answers 503 + Retry-After (a graceful shutdown has begun).
  // After Start(): the base of the URLs handed out.
  const std::string& public_url() const { return deps_.public_url; }
  void RefuseIntake() { refusing_.store(true); }
  void Stop();

 private:
  void Route();
  std::string DependenciesProblem();  // /readyz

  ApiDependencies deps_;
  std::map<std::string, const grader::ProblemSpec*> by_id_;
  std::set<std::string> problem_ids_;
  std::mutex reader_mutex_;
  std::atomic<bool> refusing_{false};
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
};

}  // namespace service
