#include "grader/cli/serve_command.h"

#include <filesystem>
#include <iostream>

#include "grader/data_dir.h"
#include "grader/resources.h"
#include "service/serve.h"
#include "service/worker.h"

namespace grader::cli {
namespace {

namespace fs = std::filesystem;

EngineOptions EngineFor(const GlobalOptions& global) {
  EngineOptions options;
  options.data_dir = ResolveDataDir(global.data_dir);
  options.problems_dir = ProblemsRoot(global);
  options.source_root = InstalledResources().root;
  options.init = global.init;
  return options;
}

}  // namespace

int Serve(const GlobalOptions& global, const std::string& config_path) {
  service::ServeOptions options;
  options.config_path = config_path;
  options.engine = EngineFor(global);
  options.problems_dir = ProblemsRoot(global);
  std::error_code ec;
  options.program = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return InternalError("cannot find the grader program: " + ec.message());
  // The workers see the same data directory and problems, whatever the serve's working folder.
  options.global_args = {"--data-dir", fs::absolute(options.engine.data_dir).string(), "--problems",
                         fs::absolute(options.problems_dir).string()};
  return service::RunServe(options);
}

int Worker(const GlobalOptions& global, const std::string& config_path,
           const std::string& worker_id, const std::string& public_url) {
  auto config = service::LoadServiceConfig(config_path);
  if (!config.ok()) return Fail(config.status());
  service::WorkerOptions options;
  options.engine = EngineFor(global);
  options.engine.init = false;  // the serve created the key; a worker never makes one
  options.problems_dir = ProblemsRoot(global);
  options.config = std::move(*config);
  options.worker_id = worker_id;
  options.public_url = public_url;
  return service::RunWorker(options);
}

}  // namespace grader::cli
