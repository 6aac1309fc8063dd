#include "compiler/huge_text.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace compiler {
namespace {

constexpr uintptr_t kHugePage = uintptr_t{2} << 20;

struct Range {
  uintptr_t begin = 0;
  uintptr_t end = 0;
};

bool IsMovedLibrary(const std::string& path) {
  const std::string name = path.substr(path.rfind('/') + 1);
  return name.starts_with("libLLVM-") || name.starts_with("libclang-cpp.");
}

// The 2 MB-aligned parts of the executable mappings of the libraries to move.
std::vector<Range> CodeToMove() {
  std::vector<Range> ranges;
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    std::istringstream fields(line);
    std::string addresses, perms, offset, device, inode, path;
    fields >> addresses >> perms >> offset >> device >> inode >> path;
    if (perms != "r-xp" || !IsMovedLibrary(path)) continue;
    const size_t dash = addresses.find('-');
    const uintptr_t begin = std::stoull(addresses.substr(0, dash), nullptr, 16);
    const uintptr_t end = std::stoull(addresses.substr(dash + 1), nullptr, 16);
    const Range aligned{(begin + kHugePage - 1) & ~(kHugePage - 1), end & ~(kHugePage - 1)};
    if (aligned.begin < aligned.end) ranges.push_back(aligned);
  }
  return ranges;
}

// A 2 MB-aligned anonymous read-write region of `size` bytes that asks for huge pages.
void* AlignedHugeRegion(size_t size) {
  const size_t padded = size + kHugePage;
  void* raw = ::mmap(nullptr, padded, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) return nullptr;
  const uintptr_t start = reinterpret_cast<uintptr_t>(raw);
  const uintptr_t aligned = (start + kHugePage - 1) & ~(kHugePage - 1);
  if (aligned > start) ::munmap(raw, aligned - start);
  if (const uintptr_t tail = start + padded - (aligned + size); tail > 0) {
    ::munmap(reinterpret_cast<void*>(aligned + size), tail);
  }
  void* region = reinterpret_cast<void*>(aligned);
  ::madvise(region, size, MADV_HUGEPAGE);
  return region;
}

void Unmap(const PreloadedFile& file) {
  ::munmap(const_cast<char*>(file.data), (file.size + kHugePage) & ~(kHugePage - 1));
}

bool Move(const Range& code) {
  const size_t size = code.end - code.begin;
  void* copy = AlignedHugeRegion(size);
  if (copy == nullptr) return false;
  std::memcpy(copy, reinterpret_cast<const void*>(code.begin), size);
  if (::mprotect(copy, size, PROT_READ | PROT_EXEC) != 0 ||
      ::mremap(copy, size, size, MREMAP_MAYMOVE | MREMAP_FIXED, code.begin) == MAP_FAILED) {
    ::munmap(copy, size);  // the library's own mapping is untouched
    return false;
  }
  return true;
}

}  // namespace

const PreloadedFile* PreloadFile(const std::string& path) {
  static std::vector<PreloadedFile> kept;  // the last used at the back
  struct stat now {};
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return nullptr;
  if (::fstat(fd, &now) != 0 || !S_ISREG(now.st_mode)) {
    ::close(fd);
    return nullptr;
  }
  for (auto it = kept.begin(); it != kept.end(); ++it) {
    if (it->path != path) continue;
    const bool unchanged = it->device == now.st_dev && it->inode == now.st_ino &&
                           it->size == static_cast<size_t>(now.st_size) &&
                           it->modified == now.st_mtim.tv_sec &&
                           it->modified_ns == now.st_mtim.tv_nsec;
    PreloadedFile found = *it;
    kept.erase(it);
    if (unchanged) {
      ::close(fd);
      kept.push_back(found);
      return &kept.back();
    }
    Unmap(found);
    break;
  }
  PreloadedFile file;
  file.path = path;
  file.size = static_cast<size_t>(now.st_size);
  file.modified = now.st_mtim.tv_sec;
  file.modified_ns = now.st_mtim.tv_nsec;
  file.inode = now.st_ino;
  file.device = now.st_dev;
  const size_t mapped = (file.size + kHugePage) & ~(kHugePage - 1);  // room for the NUL
  char* bytes = static_cast<char*>(AlignedHugeRegion(mapped));
  size_t done = 0;
  while (bytes != nullptr && done < file.size) {
    const ssize_t got = ::read(fd, bytes + done, file.size - done);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    done += static_cast<size_t>(got);
  }
  ::close(fd);
  if (bytes == nullptr) return nullptr;
  if (done != file.size || ::mprotect(bytes, mapped, PROT_READ) != 0) {
    ::munmap(bytes, mapped);
    return nullptr;
  }
  file.data = bytes;  // the NUL after it: the region is zero-filled
  if (kept.size() == 2) {
    Unmap(kept.front());
    kept.erase(kept.begin());
  }
  kept.push_back(file);
  return &kept.back();
}

size_t MoveLibraryCodeToHugePages() {
  size_t moved = 0;
  for (const Range& code : CodeToMove()) {
    if (Move(code)) moved += code.end - code.begin;
  }
  return moved;
}

}  // namespace compiler
