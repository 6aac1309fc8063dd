// Issue 15: the compile step alone, exec'd clang++ against the compile server, interleaved.
//
// Builds N fresh variants of linear_forward's solution with grader::ProgramBuilder (the grader's
// own compile: PCH, runtime.o, the same flags and compile box) through each runner in turn, and
// prints per compile the wall time (median) and the CPU time of every process involved (the
// server's start-up included, spread over its compiles). Run as root, like the grader.
// Usage: build/bench/compile_bench [N]   (default 20)
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "grader/problem_spec.h"
#include "grader/program_builder.h"
#include "grader/runner.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double ChildrenCpuMs() {
  rusage usage{};
  getrusage(RUSAGE_CHILDREN, &usage);
  auto ms = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_usec) * 1e-3;
  };
  return ms(usage.ru_utime) + ms(usage.ru_stime);
}

std::string Variant(const std::string& solution, int n) {
  return "// learner " + std::to_string(n) + "\n" + solution;
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const int count = argc > 1 ? std::max(1, std::atoi(argv[1])) : 20;
  const fs::path source = GRADER_SOURCE_DIR;
  auto problem = grader::LoadProblem(source / "problems/linear_forward");
  if (!problem.ok()) {
    std::fprintf(stderr, "%s\n", problem.status().message().c_str());
    return 1;
  }
  std::ifstream in(source / "problems/linear_forward/solution.cpp");
  std::stringstream solution;
  solution << in.rdbuf();
  std::string scratch = (fs::temp_directory_path() / "compile-bench-XXXXXX").string();
  if (::mkdtemp(scratch.data()) == nullptr) return 1;
  fs::create_directories(fs::path(scratch) / "cache");

  struct Side {
    const char* name;
    std::unique_ptr<grader::ProcessRunner> runner;
    std::vector<double> wall_ms;
    double cpu_ms = 0;
  };
  Side sides[] = {{"exec'd clang++", std::make_unique<grader::SandboxRunner>(), {}, 0},
                  {"compile server",
                   std::make_unique<grader::CompileServerRunner>(GRADER_COMPILE_SERVER),
                   {},
                   0}};
  // The PCH and runtime.o once (shared by both sides, as by every grader of a cache).
  grader::ProgramBuilder warm(*sides[0].runner, source, fs::path(scratch) / "cache",
                              grader::Toolchain{});
  if (!warm.Prepare(*problem).ok()) return 1;
  int n = 0;
  for (int round = 0; round < count; ++round) {
    for (Side& side : sides) {
      grader::ProgramBuilder builder(*side.runner, source, fs::path(scratch) / "cache",
                                     grader::Toolchain{});
      const fs::path work = fs::path(scratch) / ("w" + std::to_string(n));
      fs::create_directories(work);
      const double cpu_before = ChildrenCpuMs();
      const auto start = Clock::now();
      auto built = builder.Build(*problem, Variant(solution.str(), n++), work);
      side.wall_ms.push_back(
          std::chrono::duration<double, std::milli>(Clock::now() - start).count());
      side.cpu_ms += ChildrenCpuMs() - cpu_before;
      if (!built.ok() || !built->compiled) {
        std::fprintf(
            stderr, "%s: the build failed: %s\n", side.name,
            built.ok() ? built->compiler_output.c_str() : built.status().message().c_str());
        return 1;
      }
      fs::remove_all(work);
    }
  }
  // The server's own CPU (start-up and every box it ran) is counted once it is reaped.
  const double cpu_before = ChildrenCpuMs();
  sides[1].runner.reset();
  sides[1].cpu_ms += ChildrenCpuMs() - cpu_before;
  double load[3] = {0, 0, 0};
  getloadavg(load, 3);
  std::printf("compile + link of linear_forward, %d interleaved builds per side (load %.2f):\n",
              count, load[0]);
  for (const Side& side : sides) {
    std::printf("  %-16s wall median %7.1f ms   CPU %7.1f ms per build\n", side.name,
                Median(side.wall_ms), side.cpu_ms / count);
  }
  std::printf("  server / exec'd: wall %.2fx, CPU %.2fx\n",
              Median(sides[1].wall_ms) / Median(sides[0].wall_ms),
              sides[1].cpu_ms / sides[0].cpu_ms);
  fs::remove_all(scratch);
  return 0;
}
