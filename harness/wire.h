// The harness protocol: the binary frames exchanged between the grader and the learner's
// sandboxed program. Specified in docs/harness-protocol.md.
//
// The grader writes one Request to the child's stdin; the child writes one Response to fd 3.
// Both sides use these functions; the grader's decoder treats the bytes as hostile and checks
// every size, count, name and kind before it builds a Tensor.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "harness/tensor.h"

namespace grader::wire {

inline constexpr uint32_t kVersion = 1;
inline constexpr size_t kNonceBytes = 16;
inline constexpr size_t kMaxNameBytes = 64;
inline constexpr uint32_t kMaxTensors = 64;
inline constexpr int64_t kMaxDimension = 1 << 20;

using Nonce = std::array<uint8_t, kNonceBytes>;

struct Request {
  Nonce nonce{};
  std::string entry;
  reference::Tensors inputs;
};

struct Response {
  Nonce nonce{};
  reference::Tensors outputs;
};

std::string EncodeRequest(const Request& request);
std::string EncodeResponse(const Response& response);

// Decoders accept exactly one well-formed frame and nothing after it.
base::StatusOr<Request> DecodeRequest(std::string_view bytes);
base::StatusOr<Response> DecodeResponse(std::string_view bytes);

}  // namespace grader::wire
