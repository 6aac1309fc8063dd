// A static program for the execute-policy tests: each mode does one thing the tests judge.
//   exit N | echo | open | fork | socket | abort | i386 | x32 | kill_all | getuid | stat | spin |
//   touch_mb N | thread
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 2) return 64;
  const std::string mode = argv[1];
  if (mode == "exit") return std::atoi(argv[2]);
  if (mode == "echo") {
    char buffer[4096];
    ssize_t got = 0;
    while ((got = read(0, buffer, sizeof buffer)) > 0) {
      if (write(1, buffer, static_cast<size_t>(got)) != got) return 1;
    }
    return write(3, "result", 6) == 6 ? 0 : 2;
  }
  if (mode == "open") return open("/etc/passwd", O_RDONLY) >= 0 ? 0 : 3;
  if (mode == "fork") return fork() >= 0 ? 0 : 3;
  if (mode == "socket") return socket(AF_INET, SOCK_STREAM, 0) >= 0 ? 0 : 3;
  if (mode == "abort") std::abort();
  if (mode == "i386") {
    long result = 0;
    // getpid through the 32-bit entry point.
    asm volatile("int $0x80" : "=a"(result) : "a"(20) : "memory");
    return 0;
  }
  if (mode == "x32") return static_cast<int>(syscall(0x40000000 | SYS_getpid) >= 0 ? 0 : 3);
  if (mode == "kill_all") return kill(-1, SIGKILL) == 0 ? 0 : 3;
  if (mode == "getuid") return static_cast<int>(getuid() % 256);
  if (mode == "stat") {
    struct stat st {};
    const int rc = stat("/etc/passwd", &st);
    std::printf("%d %d\n", rc, rc == 0 ? 0 : errno);
    return 0;
  }
  if (mode == "spin") {
    for (volatile unsigned long i = 0;; ++i) {
    }
  }
  if (mode == "touch_mb") {
    std::vector<char*> blocks;
    for (int i = 0; i < std::atoi(argv[2]); ++i) {
      char* block = static_cast<char*>(std::malloc(1 << 20));
      if (block == nullptr) return 4;
      std::memset(block, 1, 1 << 20);
      blocks.push_back(block);
    }
    return 0;
  }
  if (mode == "thread") {
    std::thread worker([] {});
    worker.join();
    return 0;
  }
  return 64;
}
