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
#pragma once

#include <cstddef>

namespace compiler {

// The bytes of code now in anonymous memory (0 if nothing could be moved).
size_t MoveLibraryCodeToHugePages();

}  // namespace compiler
