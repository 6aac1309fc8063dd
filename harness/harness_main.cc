// The harness: main() of a learner's program. It runs inside the sandbox, linked with the
// learner's code, so it is exactly as untrusted as that code: the grader believes nothing it
// says until the frame it writes has been decoded and validated on the grader's side.
//
// Theory of operation: read one Request frame from stdin (the grader closes it after writing),
// call the entry point, write one Response frame (echoing the request's nonce) to fd 3, exit 0.
// Learner prints go to stdout/stderr, which the grader captures separately from fd 3.
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <exception>
#include <new>
#include <string>
#include <string_view>

#include "harness/exit_codes.h"
#include "harness/tensor.h"
#include "harness/wire.h"

// Defined by the per-problem entry translation unit (harness_entry.cc).
reference::Tensors HarnessCall(std::string_view entry, const reference::Tensors& inputs);

namespace {

void WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n <= 0) return;
    data += n;
    size -= static_cast<size_t>(n);
  }
}

void Say(const char* text) { WriteAll(2, text, std::strlen(text)); }

std::string ReadAllStdin() {
  std::string bytes;
  char buffer[1 << 16];
  for (;;) {
    ssize_t n = ::read(0, buffer, sizeof(buffer));
    if (n <= 0) break;
    bytes.append(buffer, static_cast<size_t>(n));
  }
  return bytes;
}

}  // namespace

extern "C" [[noreturn]] void grader_eigen_assert_failed(const char* expression, const char* file,
                                                        int line) {
  (void)file;
  (void)line;
  Say("\n" GRADER_EIGEN_ASSERT_MARKER);
  Say(expression);
  Say("\n");
  std::_Exit(grader::harness::kExitEigenAssert);
}

int main() {
  using namespace grader;
  auto request = wire::DecodeRequest(ReadAllStdin());
  if (!request.ok()) {
    Say("harness: bad request: ");
    Say(request.status().message().c_str());
    Say("\n");
    return harness::kExitBadRequest;
  }
  wire::Response response;
  response.nonce = request->nonce;
  try {
    response.outputs = HarnessCall(request->entry, request->inputs);
  } catch (const std::bad_alloc&) {
    Say("\n" GRADER_OUT_OF_MEMORY_MARKER "\n");
    std::_Exit(harness::kExitOutOfMemory);
  } catch (const std::exception& e) {
    Say("\n" GRADER_EXCEPTION_MARKER);
    Say(e.what());
    Say("\n");
    std::_Exit(harness::kExitException);
  } catch (...) {
    Say("\n" GRADER_EXCEPTION_MARKER "(not a std::exception)\n");
    std::_Exit(harness::kExitException);
  }
  std::string frame = wire::EncodeResponse(response);
  WriteAll(3, frame.data(), frame.size());
  // _Exit: nothing the learner registered (atexit, static destructors) runs after the frame.
  std::_Exit(0);
}
