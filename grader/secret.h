// The deployment secret and the seeds derived from it. Hidden tests take their seeds from
// HMAC-SHA256(secret, problem id \0 version \0 test name), so the public repository does not
// reveal hidden data, and a new secret gives a new set of hidden inputs.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "base/status.h"

namespace grader {

inline constexpr size_t kSecretBytes = 32;

struct LoadedSecret {
  std::string key;                    // kSecretBytes bytes
  bool created = false;               // this call created the key file
  std::vector<std::string> warnings;  // e.g. a key readable by group or others
};

// Reads the key at `path`. A missing key is created (mode 0600, exclusive create, fresh random
// bytes) only when `may_create`: a lost key must not be replaced silently, since a new key means
// new hidden data. Errors (kInvalidArgument, naming the path and the fix): a missing key when
// !may_create, a directory or symbolic link in its place, a key that is not kSecretBytes long.
// kInternal: the kernel gave no random bytes or the new key could not be written.
base::StatusOr<LoadedSecret> LoadSecret(const std::filesystem::path& path, bool may_create);

uint64_t HiddenTestSeed(const std::string& secret, const std::string& problem_id,
                        int64_t problem_version, const std::string& test_name);

std::string Sha256Hex(const std::string& data);

// Random bytes from the kernel (getrandom); for nonces and secrets.
base::Status RandomBytes(void* out, size_t size);

}  // namespace grader
