// Moves the code of the big shared libraries the compile server forks from (libLLVM,
// libclang-cpp) into anonymous 2 MB pages, so that each forked compile inherits it mapped.
//
// Why: a fork does not copy the page tables of file mappings, so every compile used to map the
// ~100 MB of clang and LLVM code it runs again, page fault by page fault, and on a VM whose page
// tables the host shadows each mapped page costs about a microsecond and a fault tens of them.
// Anonymous huge pages are copied at fork as one entry per 2 MB: the compile finds its code
// mapped (docs/compile-pipeline.md has the figures).
//
// Best effort and safe: each library's 2 MB-aligned part of its code is copied, made read-only
// and executable, and swapped in with one mremap, which either replaces the file mapping or
// leaves it as it was. The code is the same before and after, so a thread running it meanwhile
// only takes a page fault.
//
// PreloadFile() does the same for a file every compile reads (the problem's precompiled
// header): its bytes are read once into huge pages of the server, which the compiles it forks
// read in place of the file (compiler/clang_in_process.h) instead of mapping ~60 MB of it again.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>

namespace compiler {

// The bytes of code now in anonymous memory (0 if nothing could be moved).
size_t MoveLibraryCodeToHugePages();

// A file's bytes in read-only anonymous huge pages, followed by a NUL.
struct PreloadedFile {
  std::string path;
  const char* data = nullptr;
  size_t size = 0;
  time_t modified = 0;
  long modified_ns = 0;  // within the second: a rewrite in the same second is a change too
  ino_t inode = 0;
  dev_t device = 0;
};

// `path` read into huge pages, or the copy read before if the file is unchanged (same device,
// inode, size and modification time to the nanosecond); nullptr if it cannot be read. Keeps the two
// files used last; the pointer stays valid until the next call.
const PreloadedFile* PreloadFile(const std::string& path);

}  // namespace compiler
