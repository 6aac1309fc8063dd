#include "service/supervisor.h"

#include <boost/asio/io_context.hpp>
// Boost 1.81's Process v2 with BOOST_PROCESS_USE_STD_FS still names boost::optional and an
// unqualified type traits (found in namespace boost): include both first.
#include <boost/optional.hpp>
#include <boost/type_traits.hpp>
// clang-format off
#include <boost/process/v2.hpp>
// clang-format on
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>

namespace service {
namespace {

namespace bp = boost::process::v2;
using Clock = std::chrono::steady_clock;
constexpr auto kFirstBackoff = std::chrono::seconds(1);
constexpr auto kMaxBackoff = std::chrono::seconds(30);
constexpr auto kStableAfter = std::chrono::minutes(1);
constexpr auto kPoll = std::chrono::milliseconds(100);

struct Slot {
  std::vector<std::string> args;
  std::optional<bp::process> process;
  Clock::time_point started{};
  Clock::time_point restart_at{};
  std::chrono::seconds backoff = kFirstBackoff;
};

}  // namespace

struct Supervisor::State {
  std::filesystem::path program;
  boost::asio::io_context context;
  std::mutex mutex;
  std::condition_variable wake;
  std::vector<Slot> slots;
  bool stopping = false;
  std::thread monitor;

  void Launch(size_t i) {
    Slot& slot = slots[i];
    try {
      slot.process.emplace(context, program, slot.args);
      slot.started = Clock::now();
    } catch (const std::exception& e) {
      std::cerr << "grader serve: cannot start worker " << i + 1 << ": " << e.what() << std::endl;
      slot.process.reset();
      slot.restart_at = Clock::now() + slot.backoff;
      slot.backoff = std::min<std::chrono::seconds>(slot.backoff * 2, kMaxBackoff);
    }
  }

  // Reaps exited workers and restarts those due.
  void Monitor() {
    std::unique_lock<std::mutex> lock(mutex);
    while (!wake.wait_for(lock, kPoll, [this] { return stopping; })) {
      const auto now = Clock::now();
      for (size_t i = 0; i < slots.size(); ++i) {
        Slot& slot = slots[i];
        if (slot.process) {
          boost::system::error_code ec;
          if (slot.process->running(ec)) continue;
          const int code = slot.process->exit_code();
          slot.process.reset();
          if (now - slot.started >= kStableAfter) slot.backoff = kFirstBackoff;
          std::cerr << "grader serve: worker " << i + 1 << " exited (status " << code
                    << "); restarting in " << slot.backoff.count() << " s" << std::endl;
          slot.restart_at = now + slot.backoff;
          slot.backoff = std::min<std::chrono::seconds>(slot.backoff * 2, kMaxBackoff);
        } else if (now >= slot.restart_at) {
          Launch(i);
        }
      }
    }
  }
};

Supervisor::Supervisor(std::filesystem::path program,
                       std::vector<std::vector<std::string>> worker_args)
    : state_(std::make_unique<State>()) {
  state_->program = std::move(program);
  for (auto& args : worker_args) state_->slots.emplace_back().args = std::move(args);
}

Supervisor::~Supervisor() { Stop(std::chrono::seconds(0)); }

void Supervisor::Start() {
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    for (size_t i = 0; i < state_->slots.size(); ++i) state_->Launch(i);
  }
  state_->monitor = std::thread([this] { state_->Monitor(); });
}

std::string Supervisor::Problem() {
  std::lock_guard<std::mutex> lock(state_->mutex);
  for (size_t i = 0; i < state_->slots.size(); ++i) {
    if (!state_->slots[i].process) return "worker " + std::to_string(i + 1) + " is restarting";
  }
  return "";
}

void Supervisor::Stop(std::chrono::seconds grace) {
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    if (state_->stopping) return;
    state_->stopping = true;
  }
  state_->wake.notify_one();
  if (state_->monitor.joinable()) state_->monitor.join();
  // No lock needed from here: the monitor is gone.
  for (Slot& slot : state_->slots) {
    boost::system::error_code ec;
    if (slot.process) slot.process->request_exit(ec);  // SIGTERM: finish the job, exit
  }
  const auto deadline = Clock::now() + grace;
  for (Slot& slot : state_->slots) {
    if (!slot.process) continue;
    boost::system::error_code ec;
    while (slot.process->running(ec) && Clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (slot.process->running(ec)) {
      std::cerr << "grader serve: worker pid " << slot.process->id()
                << " did not stop within the grace period; killing it" << std::endl;
      slot.process->terminate(ec);  // SIGKILL, and reaped
    }
    slot.process.reset();
  }
}

}  // namespace service
