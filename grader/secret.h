// The deployment secret and the seeds derived from it. Hidden tests take their seeds from
// HMAC-SHA256(secret, problem id \0 version \0 test name), so the public repository does not
// reveal hidden data, and a new secret gives a new set of hidden inputs.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "base/status.h"

namespace grader {

inline constexpr size_t kSecretBytes = 32;

// Reads `path`, or creates it (mode 0600, exclusive create) with fresh random bytes.
base::StatusOr<std::string> LoadOrCreateSecret(const std::filesystem::path& path);

uint64_t HiddenTestSeed(const std::string& secret, const std::string& problem_id,
                        int64_t problem_version, const std::string& test_name);

std::string Sha256Hex(const std::string& data);

// Random bytes from the kernel (getrandom); for nonces and secrets.
base::Status RandomBytes(void* out, size_t size);

}  // namespace grader
