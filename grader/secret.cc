#include "grader/secret.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace grader {

base::Status RandomBytes(void* out, size_t size) {
  auto* bytes = static_cast<unsigned char*>(out);
  while (size > 0) {
    ssize_t n = getrandom(bytes, size, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return base::Status::Internal(std::string("getrandom failed: ") + std::strerror(errno));
    }
    bytes += n;
    size -= static_cast<size_t>(n);
  }
  return base::Status::Ok();
}

namespace {

// Writes fresh random bytes to a private temporary, then links it into place: a concurrent
// first use sees either no key or a complete one, never a partial key. Losing that race is
// fine: the winner's key is read back by the caller.
base::Status CreateSecret(const std::filesystem::path& path) {
  std::string secret(kSecretBytes, '\0');
  RETURN_IF_ERROR(RandomBytes(secret.data(), secret.size()));
  std::string tmp = path.string() + ".tmp." + std::to_string(::getpid());
  int out = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (out < 0) {
    return base::Status::Internal(path.string() +
                                  ": cannot create the secret key: " + std::strerror(errno));
  }
  bool written =
      ::write(out, secret.data(), secret.size()) == static_cast<ssize_t>(secret.size()) &&
      ::fsync(out) == 0;
  ::close(out);
  int linked = written ? ::link(tmp.c_str(), path.c_str()) : -1;
  int link_errno = errno;
  ::unlink(tmp.c_str());
  if (!written) return base::Status::Internal(path.string() + ": cannot write the secret key");
  if (linked != 0 && link_errno != EEXIST) {
    return base::Status::Internal(path.string() +
                                  ": cannot install the secret key: " + std::strerror(link_errno));
  }
  return base::Status::Ok();
}

std::string OctalMode(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof(text), "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

}  // namespace

base::StatusOr<LoadedSecret> LoadSecret(const std::filesystem::path& path, bool may_create) {
  LoadedSecret loaded;
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) {
      return base::Status::InvalidArgument(path.string() +
                                           ": cannot read the secret key: " + std::strerror(errno));
    }
    if (!may_create) {
      return base::Status::InvalidArgument(
          path.string() +
          " is missing but the database beside it holds graded submissions: a new key would " +
          "change every hidden test's data. Restore the key from a backup, or pass --init to " +
          "create a new one");
    }
    RETURN_IF_ERROR(CreateSecret(path));
    loaded.created = true;
    if (::lstat(path.c_str(), &st) != 0) {
      return base::Status::Internal(path.string() +
                                    ": the new secret key vanished: " + std::strerror(errno));
    }
  }
  if (S_ISDIR(st.st_mode)) {
    return base::Status::InvalidArgument(path.string() +
                                         " is a directory, not a secret key file: remove it " +
                                         "and restore the key from a backup");
  }
  if (S_ISLNK(st.st_mode)) {
    return base::Status::InvalidArgument(path.string() + " is a symbolic link: the secret key " +
                                         "must be a regular file");
  }
  if (!S_ISREG(st.st_mode)) {
    return base::Status::InvalidArgument(path.string() + " is not a regular file");
  }
  if (static_cast<size_t>(st.st_size) != kSecretBytes) {
    return base::Status::InvalidArgument(
        path.string() + " is " + std::to_string(st.st_size) + " bytes; a secret key is exactly " +
        std::to_string(kSecretBytes) + " bytes (a damaged or foreign file? restore the key " +
        "from a backup)");
  }
  if ((st.st_mode & (S_IRGRP | S_IROTH)) != 0) {
    loaded.warnings.push_back(path.string() + " is readable by group or others (mode " +
                              OctalMode(st.st_mode) + "): anyone who reads it can compute " +
                              "hidden test data; run chmod 600 on it");
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    return base::Status::InvalidArgument(path.string() +
                                         ": cannot read the secret key: " + std::strerror(errno));
  }
  loaded.key.assign(kSecretBytes, '\0');
  ssize_t n = ::read(fd, loaded.key.data(), loaded.key.size());
  ::close(fd);
  if (n != static_cast<ssize_t>(kSecretBytes)) {
    return base::Status::InvalidArgument(path.string() + ": cannot read the secret key's " +
                                         std::to_string(kSecretBytes) + " bytes");
  }
  return loaded;
}

uint64_t HiddenTestSeed(const std::string& secret, const std::string& problem_id,
                        int64_t problem_version, const std::string& test_name) {
  std::string message = problem_id;
  message.push_back('\0');
  message += std::to_string(problem_version);
  message.push_back('\0');
  message += test_name;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest,
       &digest_size);
  uint64_t seed = 0;
  for (int i = 0; i < 8; ++i) seed = (seed << 8) | digest[i];
  return seed;
}

std::string Sha256Hex(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 15]);
  }
  return hex;
}

}  // namespace grader
