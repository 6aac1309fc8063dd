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
  options.database_url = global.database;
  options.problems_dir = ProblemsRoot(global);
  options.source_root = InstalledResources().root;
  options.init = global.init;
  options.compile_server = CompileServerOrWarn();
  // Started on a worker's first compile: the serve process itself grades nothing when it has
  // worker processes.
  options.prestart_compile_servers = 0;
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
  if (!global.database.empty()) {
    options.global_args.push_back("--database");
    options.global_args.push_back(global.database);
  }
  return service::RunServe(options);
}

int Worker(const GlobalOptions& global, const WorkerCommandOptions& worker) {
  service::WorkerOptions options;
  if (!worker.config_path.empty()) {
    auto config = service::LoadServiceConfig(worker.config_path);
    if (!config.ok()) return Fail(config.status());
    options.config = std::move(*config);
  }
  options.engine = EngineFor(global);
  options.engine.init = false;  // the serve created the key; a worker never makes one
  options.problems_dir = ProblemsRoot(global);
  options.worker_id = worker.id;
  if (options.worker_id.empty()) options.worker_id = service::HostName();
  options.public_url = worker.public_url.empty() ? options.config.public_url : worker.public_url;
  options.supervised = worker.supervised;
  return service::RunWorker(options);
}

}  // namespace grader::cli
