// The compile server's wire format (docs/compile-pipeline.md): the grader sends one request
// (what sandbox::Run takes: a Command, its Limits and a Policy) and the server answers with one
// sandbox::Outcome, each as one frame over a private stream socket.
//
// Frame: a 4-byte little-endian payload length, then the payload. Payload: a 4-byte tag
// ("GCRQ" for a request, "GCRS" for an outcome), then fields in a fixed order; integers are
// little-endian, strings a 4-byte length then their bytes (any bytes: compiler output need not
// be UTF-8). Both sides are ours; the decoders still check every length and say which field
// broke. Command::in_process does not travel: the server decides it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/status.h"
#include "sandbox/sandbox.h"

namespace compiler {

inline constexpr size_t kMaxFrameBytes = 256 << 20;

// The server's end of its socket: the grader starts it with the socket on this fd.
inline constexpr int kServerSocketFd = 3;

struct Request {
  sandbox::Command command;
  sandbox::Limits limits;
  sandbox::Policy policy = sandbox::Policy::kCompile;
};

std::string EncodeRequest(const sandbox::Command& command, const sandbox::Limits& limits,
                          sandbox::Policy policy);
base::StatusOr<Request> DecodeRequest(std::string_view payload);

std::string EncodeOutcome(const sandbox::Outcome& outcome);
base::StatusOr<sandbox::Outcome> DecodeOutcome(std::string_view payload);

// Blocking frame I/O on a stream socket. WriteFrame never raises SIGPIPE. ReadFrame returns
// NotFound on a clean end of stream before a frame starts, Internal on anything else.
base::Status WriteFrame(int fd, std::string_view payload);
base::StatusOr<std::string> ReadFrame(int fd);

}  // namespace compiler
