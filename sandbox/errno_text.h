// ErrnoText: the thread-safe text of an errno value, for error messages.
#pragma once

#include <string.h>

#include <string>

namespace sandbox {

inline std::string ErrnoText(int error_number) {
  char buffer[128];
  // The GNU strerror_r returns a pointer to the text, in `buffer` or in static storage.
  return strerror_r(error_number, buffer, sizeof buffer);
}

}  // namespace sandbox
