// What clang's own main() (clang/tools/driver: driver.cpp, cc1_main.cpp) does for a compile and
// link, reduced to what the grader's commands use. Compiled without RTTI, like LLVM.
#include "compiler/clang_in_process.h"

#include <clang/Basic/Diagnostic.h>
#include <clang/Basic/DiagnosticDriver.h>
#include <clang/Basic/DiagnosticFrontend.h>
#include <clang/Basic/DiagnosticOptions.h>
#include <clang/Basic/Stack.h>
#include <clang/CodeGen/ObjectFilePCHContainerOperations.h>
#include <clang/Driver/Action.h>
#include <clang/Driver/Compilation.h>
#include <clang/Driver/Driver.h>
#include <clang/Driver/Job.h>
#include <clang/Driver/Options.h>
#include <clang/Driver/Tool.h>
#include <clang/Driver/ToolChain.h>
#include <clang/Frontend/CompilerInstance.h>
#include <clang/Frontend/CompilerInvocation.h>
#include <clang/Frontend/TextDiagnosticBuffer.h>
#include <clang/Frontend/TextDiagnosticPrinter.h>
#include <clang/Frontend/Utils.h>
#include <clang/FrontendTool/Utils.h>
#include <lld/Common/Driver.h>
#include <llvm/Option/ArgList.h>
#include <llvm/Support/BuryPointer.h>
#include <llvm/Support/CommandLine.h>
#include <llvm/Support/CrashRecoveryContext.h>
#include <llvm/Support/ErrorHandling.h>
#include <llvm/Support/Host.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/Process.h>
#include <llvm/Support/Signals.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/VirtualFileSystem.h>
#include <llvm/Support/raw_ostream.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <vector>

namespace compiler {
namespace {

namespace fs = std::filesystem;

// The clang and lld binaries this server's libraries belong to (GRADER_LLVM_BIN_DIR: CMake).
const std::string& ClangExecutable() {
  static const std::string path = GRADER_LLVM_BIN_DIR "/clang";
  return path;
}

bool SameFile(const std::string& a, const std::string& b) {
  std::error_code error;
  return fs::equivalent(a, b, error) && !error;
}

// cc1_main's fatal-error handler: report through the diagnostics, exit 70 for a crash.
void FatalError(void* user_data, const char* message, bool gen_crash_diag) {
  auto& diags = *static_cast<clang::DiagnosticsEngine*>(user_data);
  diags.Report(clang::diag::err_fe_error_backend) << message;
  llvm::sys::RunInterruptHandlers();
  llvm::sys::Process::Exit(gen_crash_diag ? 70 : 1);
}

// The server's copy of this compile's precompiled header (UsePreloadedFile).
const PreloadedFile* preloaded = nullptr;

// The real file system, with the preloaded file's path answered from the server's copy.
llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> FilesWithPreloaded() {
  llvm::IntrusiveRefCntPtr<llvm::vfs::OverlayFileSystem> files(
      new llvm::vfs::OverlayFileSystem(llvm::vfs::getRealFileSystem()));
  if (preloaded != nullptr) {
    llvm::IntrusiveRefCntPtr<llvm::vfs::InMemoryFileSystem> copy(
        new llvm::vfs::InMemoryFileSystem());
    copy->addFile(preloaded->path, preloaded->modified,
                  llvm::MemoryBuffer::getMemBuffer(
                      llvm::StringRef(preloaded->data, preloaded->size), preloaded->path));
    files->pushOverlay(copy);
  }
  return files;
}

// clang -cc1 ARGS: one translation unit.
int Cc1(llvm::ArrayRef<const char*> args, const char* argv0) {
  auto clang = std::make_unique<clang::CompilerInstance>();
  auto pch_operations = clang->getPCHContainerOperations();
  pch_operations->registerWriter(std::make_unique<clang::ObjectFilePCHContainerWriter>());
  pch_operations->registerReader(std::make_unique<clang::ObjectFilePCHContainerReader>());
  llvm::IntrusiveRefCntPtr<clang::DiagnosticIDs> ids(new clang::DiagnosticIDs());
  llvm::IntrusiveRefCntPtr<clang::DiagnosticOptions> options = new clang::DiagnosticOptions();
  // Argument errors are buffered until the real diagnostics engine exists.
  auto* buffer = new clang::TextDiagnosticBuffer;
  clang::DiagnosticsEngine parse_diags(ids, &*options, buffer);
  const bool parsed =
      clang::CompilerInvocation::CreateFromArgs(clang->getInvocation(), args, parse_diags, argv0);
  clang->createDiagnostics();
  if (!clang->hasDiagnostics()) return 1;
  llvm::install_fatal_error_handler(FatalError, &clang->getDiagnostics());
  buffer->FlushDiagnostics(clang->getDiagnostics());
  if (!parsed) {
    clang->getDiagnosticClient().finish();
    return 1;
  }
  clang->createFileManager(FilesWithPreloaded());
  const bool ok = clang::ExecuteCompilerInvocation(clang.get());
  llvm::remove_fatal_error_handler();
  // -disable-free (the driver passes it): the process ends right after; freeing is wasted work.
  if (clang->getFrontendOpts().DisableFree) {
    llvm::BuryPointer(std::move(clang));
  }
  return ok ? 0 : 1;
}

// The driver execs cc1 as a process of its own whenever there is more than one job (a compile
// and a link): clang loads itself twice per compile. Here cc1 runs in this process instead,
// under a crash-recovery context as the driver's own in-process cc1 does, so that a compiler
// crash on a learner's source is that command's failure ("exit code 139"), not a dead box.
bool IsOurCc1(const clang::driver::Command& job) {
  return !job.getArguments().empty() && llvm::StringRef(job.getArguments()[0]) == "-cc1" &&
         SameFile(job.getExecutable(), ClangExecutable());
}

int Cc1InProcess(const clang::driver::Command& job) {
  int code = 0;
  llvm::CrashRecoveryContext recovery;
  const llvm::opt::ArgStringList& args = job.getArguments();
  if (!recovery.RunSafely(
          [&] { code = Cc1(llvm::makeArrayRef(args).drop_front(), job.getExecutable()); })) {
    return recovery.RetCode;
  }
  return code;
}

bool IsLldLink(const clang::driver::Command& job) {
  static const std::string lld = GRADER_LLVM_BIN_DIR "/lld";
  return job.getCreator().isLinkJob() && SameFile(job.getExecutable(), lld);
}

int LinkInProcess(const clang::driver::Command& job) {
  std::vector<const char*> args = {job.getExecutable()};
  args.insert(args.end(), job.getArguments().begin(), job.getArguments().end());
  return lld::elf::link(args, llvm::outs(), llvm::errs(), /*exitEarly=*/false,
                        /*disableOutput=*/false)
             ? 0
             : 1;
}

// Driver::ExecuteCompilation, with the lld link in process; stops at the first failing job
// (the grader's commands have one source, so every later job depends on it).
int ExecuteJobs(clang::driver::Driver& driver, clang::driver::Compilation& compilation) {
  if (driver.getDiags().hasErrorOccurred()) return 1;
  for (const clang::driver::Command& job : compilation.getJobs()) {
    const clang::driver::Command* failing = nullptr;
    const int code = IsOurCc1(job)    ? Cc1InProcess(job)
                     : IsLldLink(job) ? LinkInProcess(job)
                                      : compilation.ExecuteCommand(job, failing);
    if (code == 0) continue;
    if (!driver.isSaveTempsEnabled()) {
      const auto* action = llvm::cast<clang::driver::JobAction>(&job.getSource());
      compilation.CleanupFileMap(compilation.getResultFiles(), action, true);
      if (code < 0) compilation.CleanupFileMap(compilation.getFailureResultFiles(), action, true);
    }
    const clang::driver::Tool& tool = job.getCreator();
    if (!tool.hasGoodDiagnostics() || code != 1) {
      if (code < 0) {
        driver.Diag(clang::diag::err_drv_command_signalled) << tool.getShortName();
      } else {
        driver.Diag(clang::diag::err_drv_command_failed) << tool.getShortName() << code;
      }
    }
    return code;
  }
  return 0;
}

int RunDriver(llvm::SmallVectorImpl<const char*>& argv) {
  // Diagnostic options from the command line (-fdiagnostics-color=never, -w, ...).
  llvm::IntrusiveRefCntPtr<clang::DiagnosticOptions> options = new clang::DiagnosticOptions();
  unsigned missing_index = 0;
  unsigned missing_count = 0;
  llvm::opt::InputArgList parsed = clang::driver::getDriverOptTable().ParseArgs(
      llvm::makeArrayRef(argv).drop_front(), missing_index, missing_count);
  clang::ParseDiagnosticArgs(*options, parsed);
  auto* printer = new clang::TextDiagnosticPrinter(llvm::errs(), &*options);
  // The driver's messages start "clang: ", as the exec'd binary's do.
  printer->setPrefix(std::string(llvm::sys::path::stem(ClangExecutable())));
  llvm::IntrusiveRefCntPtr<clang::DiagnosticIDs> ids(new clang::DiagnosticIDs());
  clang::DiagnosticsEngine diags(ids, &*options, printer);
  clang::ProcessWarningOptions(diags, *options, /*ReportDiags=*/false);

  clang::driver::Driver driver(ClangExecutable(), llvm::sys::getDefaultTargetTriple(), diags);
  // As for the exec'd binary: the mode (clang++ is C++, --driver-mode=g++) and a target prefix
  // from the name it was called by, first so that the command line can override them; the
  // installed directory from where it was called.
  const clang::driver::ParsedClangName name =
      clang::driver::ToolChain::getTargetAndModeFromProgramName(argv[0]);
  if (name.DriverMode != nullptr) argv.insert(argv.begin() + 1, name.DriverMode);
  if (name.TargetIsValid) argv.insert(argv.begin() + 1, {"-target", name.TargetPrefix.c_str()});
  driver.setTargetAndMode(name);
  driver.setInstalledDir(llvm::sys::path::parent_path(argv[0]));
  std::unique_ptr<clang::driver::Compilation> compilation(driver.BuildCompilation(argv));
  int result = 1;
  if (compilation && !compilation->containsError()) result = ExecuteJobs(driver, *compilation);
  diags.getClient()->finish();
  return result;
}

}  // namespace

void InitializeClang() {
  llvm::InitializeAllTargets();
  llvm::InitializeAllTargetMCs();
  llvm::InitializeAllAsmPrinters();
  llvm::InitializeAllAsmParsers();
}

bool RunsInProcess(const std::string& program) { return SameFile(program, ClangExecutable()); }

void UsePreloadedFile(const PreloadedFile* file) { preloaded = file; }

int CompileInProcess(const sandbox::Command& command) {
  clang::noteBottomOfStack();
  llvm::CrashRecoveryContext::Enable();
  llvm::SmallVector<const char*, 64> argv;
  for (const std::string& arg : command.argv) argv.push_back(arg.c_str());
  const int result = RunDriver(argv);
  llvm::outs().flush();
  llvm::errs().flush();
  return result;
}

}  // namespace compiler
