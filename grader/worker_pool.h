// A pool of worker threads with cancellation and clean-up of child processes, shared by every
// front end that grades many submissions (`grader batch` today, the service next).
//
// Theory of operation: the calling thread starts `jobs` workers and becomes the supervisor. Each
// worker takes the next item index and calls work(worker, item) until the items run out or the
// pool is cancelled. The supervisor wakes every 200 ms to call `on_tick` (progress), and stops
// the pool when `cancel` is triggered or, with stop_on_signals, when SIGINT, SIGTERM or SIGHUP
// arrives (those signals are blocked in every thread and taken with sigtimedwait, so no handler
// runs; they stay blocked after the pool returns, so that a second Ctrl-C cannot kill the process
// before it has written its outputs). After a stop, the supervisor SIGKILLs the process group of
// every child of this process (the sandboxed compilers and programs, each a group leader) until
// all workers have returned: a worker that was waiting on a child sees it die, and must then
// check `cancel` and discard what it was doing.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>

namespace grader {

// Thread-safe: any thread may cancel; workers poll cancelled().
class Cancellation {
 public:
  void Cancel() { cancelled_.store(true); }
  bool cancelled() const { return cancelled_.load(); }

 private:
  std::atomic<bool> cancelled_{false};
};

struct PoolSettings {
  size_t jobs = 1;                // REQUIRES: >= 1
  bool stop_on_signals = false;   // SIGINT/SIGTERM/SIGHUP cancel the pool (command-line use)
  std::function<void()> on_tick;  // supervisor thread, about every 200 ms
};

// Runs work(worker, item) for items 0..count-1 on min(jobs, count) threads, worker in
// 0..jobs-1. Returns true when the pool was cancelled before every item was taken or finished.
// `work` must not throw.
bool RunWorkerPool(size_t count, const PoolSettings& settings, Cancellation& cancel,
                   const std::function<void(size_t worker, size_t item)>& work);

// SIGKILLs the process group of every child of this process (and the child itself).
void KillChildProcesses();

}  // namespace grader
