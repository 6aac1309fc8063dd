#include "grader/worker_pool.h"

#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace grader {

void KillChildProcesses() {
  const pid_t self = ::getpid();
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) return;
  while (dirent* entry = ::readdir(proc)) {
    const pid_t pid = static_cast<pid_t>(std::atoi(entry->d_name));
    if (pid <= 0) continue;
    std::ifstream stat("/proc/" + std::string(entry->d_name) + "/stat");
    std::string line;
    std::getline(stat, line);
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const size_t close = line.rfind(')');
    if (close == std::string::npos) continue;
    char state = 0;
    int ppid = 0;
    if (std::sscanf(line.c_str() + close + 1, " %c %d", &state, &ppid) != 2) continue;
    if (ppid != self) continue;
    ::kill(-pid, SIGKILL);
    ::kill(pid, SIGKILL);
  }
  ::closedir(proc);
}

bool RunWorkerPool(size_t count, const PoolSettings& settings, Cancellation& cancel,
                   const std::function<void(size_t worker, size_t item)>& work) {
  sigset_t signals;
  sigemptyset(&signals);
  if (settings.stop_on_signals) {
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGHUP);
    // Before the workers start, so that they inherit the mask (see the file comment).
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  }
  std::atomic<size_t> next{0};
  std::atomic<size_t> returned{0};
  const size_t jobs = std::min(std::max<size_t>(settings.jobs, 1), std::max<size_t>(count, 1));
  std::vector<std::thread> workers;
  for (size_t w = 0; w < jobs && count > 0; ++w) {
    workers.emplace_back([&, w] {
      while (!cancel.cancelled()) {
        const size_t item = next.fetch_add(1);
        if (item >= count) break;
        work(w, item);
      }
      returned.fetch_add(1);
    });
  }
  const timespec tick{0, 200 * 1000 * 1000};
  while (returned.load() < workers.size() && !cancel.cancelled()) {
    if (settings.stop_on_signals) {
      if (sigtimedwait(&signals, nullptr, &tick) > 0) cancel.Cancel();
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    if (settings.on_tick && !cancel.cancelled()) settings.on_tick();
  }
  if (!cancel.cancelled()) {
    for (std::thread& w : workers) w.join();
    return false;
  }
  // Keep killing until every worker has returned: a worker may start a child after a sweep.
  std::atomic<bool> joined{false};
  std::thread killer([&] {
    while (!joined.load()) {
      KillChildProcesses();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  for (std::thread& w : workers) w.join();
  joined.store(true);
  killer.join();
  return true;
}

}  // namespace grader
