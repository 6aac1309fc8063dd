#include "sandbox/owner.h"

#include <unistd.h>

#include <charconv>
#include <fstream>
#include <sstream>

namespace sandbox {
namespace {

std::optional<uint64_t> ParseNumber(std::string_view text) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::optional<uint64_t> ProcessStartTicks(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  if (!std::getline(in, stat)) return std::nullopt;
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so fields are counted
  // after the last ')'. The first field there is field 3 (state); starttime is field 22.
  const size_t paren = stat.rfind(')');
  if (paren == std::string::npos) return std::nullopt;
  std::istringstream fields(stat.substr(paren + 1));
  std::string field;
  for (int number = 3; number <= 22; ++number) {
    if (!(fields >> field)) return std::nullopt;
  }
  return ParseNumber(field);
}

Owner SelfOwner() {
  Owner self;
  self.pid = getpid();
  self.start_ticks = ProcessStartTicks(self.pid).value_or(0);
  return self;
}

std::string OwnerTag(const Owner& owner) {
  return std::to_string(owner.pid) + "-" + std::to_string(owner.start_ticks);
}

std::optional<Owner> ParseOwnerTag(std::string_view tag) {
  const size_t dash = tag.find('-');
  auto pid = ParseNumber(tag.substr(0, dash));
  if (!pid || *pid == 0 || *pid > 0x7fffffff) return std::nullopt;
  Owner owner;
  owner.pid = static_cast<pid_t>(*pid);
  if (dash == std::string_view::npos) return owner;
  auto start = ParseNumber(tag.substr(dash + 1));
  if (!start) return std::nullopt;
  owner.start_ticks = *start;
  return owner;
}

bool OwnerAlive(const Owner& owner) {
  const std::optional<uint64_t> start = ProcessStartTicks(owner.pid);
  if (!start) return false;
  return owner.start_ticks == 0 || *start == owner.start_ticks;
}

}  // namespace sandbox
