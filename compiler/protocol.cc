#include "compiler/protocol.h"

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <vector>

namespace compiler {
namespace {

constexpr std::string_view kRequestTag = "GCRQ";
constexpr std::string_view kOutcomeTag = "GCRS";

class Writer {
 public:
  void Tag(std::string_view tag) { bytes_ += tag; }
  void U32(uint32_t value) {
    for (int shift = 0; shift < 32; shift += 8)
      bytes_ += static_cast<char>((value >> shift) & 0xff);
  }
  void I64(int64_t value) {
    const auto bits = static_cast<uint64_t>(value);
    for (int shift = 0; shift < 64; shift += 8) bytes_ += static_cast<char>((bits >> shift) & 0xff);
  }
  void Str(std::string_view text) {
    U32(static_cast<uint32_t>(text.size()));
    bytes_ += text;
  }
  void Strs(const std::vector<std::string>& texts) {
    U32(static_cast<uint32_t>(texts.size()));
    for (const std::string& text : texts) Str(text);
  }
  std::string Take() { return std::move(bytes_); }

 private:
  std::string bytes_;
};

// Reads fields in order; the first one that does not fit sets the error, naming it.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}

  bool Tag(std::string_view tag) {
    if (bytes_.substr(0, tag.size()) != tag) return Fail("tag (expected " + std::string(tag) + ")");
    bytes_.remove_prefix(tag.size());
    return true;
  }
  bool U32(uint32_t* value, const char* field) {
    if (bytes_.size() < 4) return Fail(field);
    *value = 0;
    for (int i = 0; i < 4; ++i)
      *value |= static_cast<uint32_t>(static_cast<uint8_t>(bytes_[i])) << (8 * i);
    bytes_.remove_prefix(4);
    return true;
  }
  bool I64(int64_t* value, const char* field) {
    if (bytes_.size() < 8) return Fail(field);
    uint64_t bits = 0;
    for (int i = 0; i < 8; ++i)
      bits |= static_cast<uint64_t>(static_cast<uint8_t>(bytes_[i])) << (8 * i);
    *value = static_cast<int64_t>(bits);
    bytes_.remove_prefix(8);
    return true;
  }
  bool Int(int* value, const char* field) {
    int64_t wide = 0;
    if (!I64(&wide, field)) return false;
    *value = static_cast<int>(wide);
    return true;
  }
  bool Millis(std::chrono::milliseconds* value, const char* field) {
    int64_t count = 0;
    if (!I64(&count, field)) return false;
    *value = std::chrono::milliseconds(count);
    return true;
  }
  bool Str(std::string* text, const char* field) {
    uint32_t size = 0;
    if (!U32(&size, field)) return false;
    if (bytes_.size() < size) return Fail(field);
    text->assign(bytes_.substr(0, size));
    bytes_.remove_prefix(size);
    return true;
  }
  bool Strs(std::vector<std::string>* texts, const char* field) {
    uint32_t count = 0;
    if (!U32(&count, field)) return false;
    // Each string takes at least its 4-byte length: a count beyond that is a broken frame.
    if (count > bytes_.size() / 4) return Fail(field);
    texts->resize(count);
    for (std::string& text : *texts) {
      if (!Str(&text, field)) return false;
    }
    return true;
  }
  bool Flag(bool* value, const char* field) {
    uint32_t raw = 0;
    if (!U32(&raw, field)) return false;
    if (raw > 1) return Fail(field);
    *value = raw == 1;
    return true;
  }

  base::Status Finish(const char* what) const {
    if (!error_.empty()) {
      return base::Status::InvalidArgument(std::string(what) + ": truncated or malformed at " +
                                           error_);
    }
    if (!bytes_.empty()) {
      return base::Status::InvalidArgument(std::string(what) + ": " +
                                           std::to_string(bytes_.size()) + " bytes after the end");
    }
    return base::Status::Ok();
  }

 private:
  bool Fail(std::string field) {
    if (error_.empty()) error_ = std::move(field);
    bytes_ = {};
    return false;
  }

  std::string_view bytes_;
  std::string error_;
};

void WriteLimits(Writer& out, const sandbox::Limits& limits) {
  out.I64(limits.cpu_time.count());
  out.I64(limits.wall_time.count());
  out.I64(limits.memory_bytes);
  out.I64(limits.file_size_bytes);
  out.I64(limits.processes);
  out.I64(limits.stdout_bytes);
  out.I64(limits.stderr_bytes);
  out.I64(limits.result_bytes);
  out.I64(limits.stack_bytes);
}

bool ReadLimits(Reader& in, sandbox::Limits* limits) {
  return in.Millis(&limits->cpu_time, "limits.cpu_time") &&
         in.Millis(&limits->wall_time, "limits.wall_time") &&
         in.I64(&limits->memory_bytes, "limits.memory_bytes") &&
         in.I64(&limits->file_size_bytes, "limits.file_size_bytes") &&
         in.I64(&limits->processes, "limits.processes") &&
         in.I64(&limits->stdout_bytes, "limits.stdout_bytes") &&
         in.I64(&limits->stderr_bytes, "limits.stderr_bytes") &&
         in.I64(&limits->result_bytes, "limits.result_bytes") &&
         in.I64(&limits->stack_bytes, "limits.stack_bytes");
}

// Blocking I/O that survives signals; send(MSG_NOSIGNAL): a gone peer is an error, not SIGPIPE.
base::Status SendAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t sent = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) {
      return base::Status::Internal(std::string("compile server socket: send failed: ") +
                                    std::strerror(errno));
    }
    bytes.remove_prefix(static_cast<size_t>(sent));
  }
  return base::Status::Ok();
}

// Reads exactly `size` bytes; returns the number read before an end of stream.
base::StatusOr<size_t> ReceiveAll(int fd, char* data, size_t size) {
  size_t got = 0;
  while (got < size) {
    const ssize_t n = ::read(fd, data + got, size - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return base::Status::Internal(std::string("compile server socket: read failed: ") +
                                    std::strerror(errno));
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  return got;
}

}  // namespace

std::string EncodeRequest(const sandbox::Command& command, const sandbox::Limits& limits,
                          sandbox::Policy policy) {
  Writer out;
  out.Tag(kRequestTag);
  out.U32(static_cast<uint32_t>(policy));
  WriteLimits(out, limits);
  out.Strs(command.argv);
  out.Strs(command.env);
  out.Str(command.working_dir);
  out.Str(command.stdin_data);
  out.U32(command.result_channel ? 1 : 0);
  out.Strs(command.writable_dirs);
  out.Strs(command.readonly_dirs);
  return out.Take();
}

base::StatusOr<Request> DecodeRequest(std::string_view payload) {
  Reader in(payload);
  Request request;
  uint32_t policy = 0;
  if (in.Tag(kRequestTag) && in.U32(&policy, "policy") && ReadLimits(in, &request.limits)) {
    sandbox::Command& command = request.command;
    in.Strs(&command.argv, "argv") && in.Strs(&command.env, "env") &&
        in.Str(&command.working_dir, "working_dir") && in.Str(&command.stdin_data, "stdin_data") &&
        in.Flag(&command.result_channel, "result_channel") &&
        in.Strs(&command.writable_dirs, "writable_dirs") &&
        in.Strs(&command.readonly_dirs, "readonly_dirs");
  }
  RETURN_IF_ERROR(in.Finish("compile server request"));
  if (policy > static_cast<uint32_t>(sandbox::Policy::kExecute)) {
    return base::Status::InvalidArgument("compile server request: unknown policy " +
                                         std::to_string(policy));
  }
  request.policy = static_cast<sandbox::Policy>(policy);
  return request;
}

std::string EncodeOutcome(const sandbox::Outcome& outcome) {
  Writer out;
  out.Tag(kOutcomeTag);
  out.U32(static_cast<uint32_t>(outcome.status));
  out.I64(outcome.exit_code);
  out.I64(outcome.signal);
  out.I64(outcome.cpu_time.count());
  out.I64(outcome.wall_time.count());
  out.I64(outcome.peak_memory_bytes);
  out.Str(outcome.stdout_data);
  out.Str(outcome.stderr_data);
  out.Str(outcome.result_data);
  out.U32(outcome.stderr_truncated ? 1 : 0);
  out.Str(outcome.forbidden_syscall);
  out.Str(outcome.error);
  return out.Take();
}

base::StatusOr<sandbox::Outcome> DecodeOutcome(std::string_view payload) {
  Reader in(payload);
  sandbox::Outcome outcome;
  uint32_t status = 0;
  in.Tag(kOutcomeTag) && in.U32(&status, "status") && in.Int(&outcome.exit_code, "exit_code") &&
      in.Int(&outcome.signal, "signal") && in.Millis(&outcome.cpu_time, "cpu_time") &&
      in.Millis(&outcome.wall_time, "wall_time") &&
      in.I64(&outcome.peak_memory_bytes, "peak_memory_bytes") &&
      in.Str(&outcome.stdout_data, "stdout_data") && in.Str(&outcome.stderr_data, "stderr_data") &&
      in.Str(&outcome.result_data, "result_data") &&
      in.Flag(&outcome.stderr_truncated, "stderr_truncated") &&
      in.Str(&outcome.forbidden_syscall, "forbidden_syscall") && in.Str(&outcome.error, "error");
  RETURN_IF_ERROR(in.Finish("compile server outcome"));
  if (status > static_cast<uint32_t>(sandbox::Status::kSandboxError)) {
    return base::Status::InvalidArgument("compile server outcome: unknown status " +
                                         std::to_string(status));
  }
  outcome.status = static_cast<sandbox::Status>(status);
  return outcome;
}

base::Status WriteFrame(int fd, std::string_view payload) {
  if (payload.size() > kMaxFrameBytes) {
    return base::Status::InvalidArgument("compile server frame of " +
                                         std::to_string(payload.size()) + " bytes is too large");
  }
  Writer header;
  header.U32(static_cast<uint32_t>(payload.size()));
  RETURN_IF_ERROR(SendAll(fd, header.Take()));
  return SendAll(fd, payload);
}

base::StatusOr<std::string> ReadFrame(int fd) {
  char header[4];
  base::StatusOr<size_t> got = ReceiveAll(fd, header, sizeof header);
  if (!got.ok()) return got.status();
  if (*got == 0) return base::Status::NotFound("compile server socket: end of stream");
  if (*got < sizeof header) {
    return base::Status::Internal("compile server socket: end of stream inside a frame header");
  }
  uint32_t size = 0;
  for (int i = 0; i < 4; ++i)
    size |= static_cast<uint32_t>(static_cast<uint8_t>(header[i])) << (8 * i);
  if (size > kMaxFrameBytes) {
    return base::Status::Internal("compile server socket: a frame of " + std::to_string(size) +
                                  " bytes is too large");
  }
  std::string payload(size, '\0');
  got = ReceiveAll(fd, payload.data(), size);
  if (!got.ok()) return got.status();
  if (*got < size)
    return base::Status::Internal("compile server socket: end of stream inside a frame");
  return payload;
}

}  // namespace compiler
