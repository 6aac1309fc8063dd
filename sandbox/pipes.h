// Pipes and file descriptors: the RAII owner of an fd, pipe creation, and a scoped SIGPIPE block.
//
// Every fd the sandbox opens is O_CLOEXEC from birth, so that a child forked concurrently by
// another thread never inherits it across exec. Not thread-safe per object; independent objects
// may be used from different threads.
#pragma once

#include <signal.h>

#include "base/status.h"

namespace sandbox {

// Owns one file descriptor; closes it on destruction. Move-only.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.Release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { Reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int Release();
  void Reset(int fd = -1);

 private:
  int fd_ = -1;
};

struct Pipe {
  UniqueFd read_end;
  UniqueFd write_end;
};

// A pipe with O_CLOEXEC on both ends.
base::StatusOr<Pipe> MakePipe();

// Sets O_NONBLOCK on `fd` (only this open file description: the other end is unaffected).
base::Status SetNonBlocking(int fd);

// Blocks SIGPIPE in the calling thread for the object's lifetime, so that writing to a pipe whose
// reader is gone fails with EPIPE instead of killing the grader. On destruction, discards a
// SIGPIPE raised meanwhile and restores the previous mask. The mask is per thread: thread-safe.
class ScopedSigpipeBlock {
 public:
  ScopedSigpipeBlock();
  ~ScopedSigpipeBlock();
  ScopedSigpipeBlock(const ScopedSigpipeBlock&) = delete;
  ScopedSigpipeBlock& operator=(const ScopedSigpipeBlock&) = delete;

 private:
  sigset_t old_mask_;
  bool was_pending_ = false;
};

}  // namespace sandbox
