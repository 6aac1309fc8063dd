// The clang driver, its cc1 compile and lld's ELF link, run inside the compile server's own
// process (linked against libclang-cpp and lld) instead of as exec'd programs.
//
// RunsInProcess() says whether a command's argv[0] is the clang this server was built with (the
// same binary as /usr/bin/clang++, so the same version reads the PCH the toolchain wrote).
// CompileInProcess() is a sandbox::Command::in_process entry: called in a compile box, it does
// what `argv...` would do as a process (the same jobs, diagnostics, files and exit code), except
// that cc1 and an lld link run in this process; any other job (another linker) is exec'd.
#pragma once

#include <string>

#include "compiler/huge_text.h"
#include "sandbox/sandbox.h"

namespace compiler {

// Loads what every compile needs once (LLVM's targets), before the server forks boxes.
void InitializeClang();

bool RunsInProcess(const std::string& program);

int CompileInProcess(const sandbox::Command& command);

// The next CompileInProcess (in a box forked after this call) reads `file`'s path from the
// server's copy instead of the file; nullptr: from the file.
void UsePreloadedFile(const PreloadedFile* file);

}  // namespace compiler
