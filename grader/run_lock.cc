#include "grader/run_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace grader {

base::StatusOr<RunLock> RunLock::TryAcquire(const std::filesystem::path& locks_dir,
                                            const std::string& name, const std::string& what) {
  std::error_code ec;
  std::filesystem::create_directories(locks_dir, ec);
  if (ec) {
    return base::Status::Internal("cannot create " + locks_dir.string() + ": " + ec.message());
  }
  const std::filesystem::path path = locks_dir / (name + ".lock");
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    return base::Status::Internal("cannot open " + path.string() + ": " + std::strerror(errno));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int flock_errno = errno;
    char holder[32] = {};
    const ssize_t n = ::pread(fd, holder, sizeof(holder) - 1, 0);
    ::close(fd);
    if (flock_errno != EWOULDBLOCK) {
      return base::Status::Internal("cannot lock " + path.string() + ": " +
                                    std::strerror(flock_errno));
    }
    const std::string pid = n > 0 ? std::string(holder, static_cast<size_t>(n)) : "";
    return base::Status::Unavailable(what + " is already running in another process" +
                                     (pid.empty() ? "" : " (pid " + pid + ")") +
                                     "; wait for it to finish, or stop it and run again");
  }
  // The holder's pid, for the message above; the lock itself is the flock, not this text.
  const std::string pid = std::to_string(::getpid());
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    // Only the message loses its pid.
  }
  return RunLock(fd);
}

RunLock& RunLock::operator=(RunLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

RunLock::~RunLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the flock
}

}  // namespace grader
