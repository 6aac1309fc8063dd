#include "grader/cli/batch_command.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <thread>

#include "grader/batch/sources.h"
#include "grader/batch/summary.h"

namespace grader::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string Duration(double seconds) {
  const auto s = static_cast<long>(seconds + 0.5);
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%ld:%02ld", s / 60, s % 60);
  return buffer;
}

class Progress {
 public:
  Progress(size_t total, bool tty) : total_(total), tty_(tty), start_(Clock::now()) {}
  size_t total() const { return total_; }
  void Show(size_t done, bool final) {
    const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
    const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
    const double eta = rate > 0 ? static_cast<double>(total_ - done) / rate : 0;
    char line[160];
    if (tty_) {
      const size_t width = 30;
      const size_t filled = total_ ? done * width / total_ : width;
      std::snprintf(line, sizeof(line), "\r[%s%s] %zu/%zu  %.2f/s  ETA %s ",
                    std::string(filled, '#').c_str(), std::string(width - filled, '.').c_str(),
                    done, total_, rate, Duration(eta).c_str());
      std::cerr << line << (final ? "\n" : "") << std::flush;
      return;
    }
    if (!final && Clock::now() - last_line_ < std::chrono::seconds(5)) return;
    last_line_ = Clock::now();
    std::snprintf(line, sizeof(line), "progress: %zu/%zu graded, %.2f/s, ETA %s\n", done, total_,
                  rate, Duration(eta).c_str());
    std::cerr << line << std::flush;
  }

 private:
  size_t total_;
  bool tty_;
  Clock::time_point start_;
  Clock::time_point last_line_ = Clock::now();
};

// The byte order mark before a CSV file's text: spreadsheets (Excel) read UTF-8 only with it.
constexpr const char* kUtf8Bom = "\xEF\xBB\xBF";

std::string CsvFile(const BatchOptions& options, const ProblemSpec& problem,
                    const std::vector<batch::GradedEntry>& entries,
                    const batch::Discovery& discovery) {
  if (options.csv_format == "grader") {
    return kUtf8Bom + batch::CsvGradebook(problem, entries, discovery.skipped_learners);
  }
  const auto format =
      options.csv_format == "canvas" ? batch::LmsFormat::kCanvas : batch::LmsFormat::kMoodle;
  std::vector<std::string> left_out;
  std::string csv =
      batch::LmsGradebook(format, problem, entries, discovery.skipped_learners, &left_out);
  for (const std::string& learner : left_out) {
    std::cerr << "grader: " << options.csv << ": left out '" << learner << "': no "
              << options.csv_format << " id in its file name\n";
  }
  return kUtf8Bom + csv;
}

base::Status WriteOutputs(const BatchOptions& options, const ProblemSpec& problem,
                          const std::vector<batch::GradedEntry>& entries,
                          const batch::Discovery& discovery) {
  if (!options.csv.empty()) {
    RETURN_IF_ERROR(
        batch::WriteFileAtomically(options.csv, CsvFile(options, problem, entries, discovery)));
  }
  if (!options.json.empty()) {
    RETURN_IF_ERROR(batch::WriteFileAtomically(
        options.json,
        batch::BatchJson(problem, entries, discovery.skipped, discovery.skipped_learners).dump(2) +
            "\n"));
  }
  if (!options.junit.empty()) {
    RETURN_IF_ERROR(batch::WriteFileAtomically(options.junit, batch::JUnitXml(problem, entries)));
  }
  if (!options.gradescope_dir.empty()) {
    std::map<std::string, int> used;
    for (const batch::GradedEntry& e : entries) {
      std::string name = batch::SafeName(e.learner);
      if (used[name]++ > 0) name.append("_").append(std::to_string(e.submission_id));
      const fs::path dir = fs::path(options.gradescope_dir) / name;
      std::error_code ec;
      fs::create_directories(dir, ec);
      if (ec) return base::Status::InvalidArgument("cannot create " + dir.string());
      RETURN_IF_ERROR(batch::WriteFileAtomically(
          dir / "results.json", batch::GradescopeResults(problem, e).dump(2) + "\n"));
    }
  }
  return base::Status::Ok();
}

// Output files must be creatable before anything is graded.
base::Status CheckOutputPaths(const BatchOptions& options) {
  for (const std::string& file : {options.csv, options.json, options.junit}) {
    if (file.empty()) continue;
    const fs::path parent = fs::absolute(file).parent_path();
    if (!fs::is_directory(parent)) {
      return base::Status::InvalidArgument("output " + file + ": folder " + parent.string() +
                                           " does not exist");
    }
  }
  return base::Status::Ok();
}

}  // namespace

bool IsKnownFormat(const std::string& format) {
  return format == "text" || format == "json" || format == "csv" || format == "junit" ||
         format == "gradescope";
}

std::string FormatOne(const ProblemSpec& problem, const std::string& format,
                      const batch::GradedEntry& entry) {
  if (format == "csv") return batch::CsvGradebook(problem, {entry});
  if (format == "junit") return batch::JUnitXml(problem, {entry});
  return batch::GradescopeResults(problem, entry).dump(2) + "\n";
}

int Batch(const GlobalOptions& global, const BatchOptions& options) {
  if (options.jobs < 0 || options.jobs > 256) return InputError("--jobs must be 1 to 256");
  if (options.csv_format != "grader" && options.csv_format != "canvas" &&
      options.csv_format != "moodle") {
    return InputError("--csv-format must be grader, canvas or moodle, not '" + options.csv_format +
                      "'");
  }
  if (base::Status s = CheckOutputPaths(options); !s.ok()) return Fail(s);
  auto problem = FindProblem(global, options.problem);
  if (!problem.ok()) return Fail(problem.status());
  auto discovery = batch::DiscoverSubmissions(options.source);
  if (!discovery.ok()) return InputError(discovery.status().message());
  for (const std::string& skipped : discovery->skipped) std::cerr << "skipped: " << skipped << "\n";
  if (discovery->submissions.empty()) {
    return InputError(options.source + ": no submissions found (" +
                      std::to_string(discovery->skipped.size()) + " file(s) skipped)");
  }
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  BatchSettings settings;
  settings.jobs = options.jobs > 0 ? static_cast<size_t>(options.jobs) : cores;
  // The whole data directory is checked here, before anything is compiled; one compile server
  // per worker that can compile at the same time starts loading meanwhile.
  auto engine = OpenEngine(global, /*needs_secret=*/true,
                           std::min({settings.jobs, size_t{cores}, discovery->submissions.size()}));
  if (!engine.ok()) return Fail(engine.status());
  settings.use_cache = !options.no_cache;
  settings.regrade = options.regrade;
  settings.stop_on_signals = true;
  std::unique_ptr<Progress> progress;
  settings.on_start = [&](size_t total, size_t already, size_t jobs) {
    std::cerr << "batch: " << total << " submission(s) of " << problem->id << ", " << already
              << " already graded, " << jobs << " worker(s)\n";
    progress = std::make_unique<Progress>(total - already, ::isatty(2) == 1);
  };
  settings.on_progress = [&](size_t done) {
    if (progress) progress->Show(done, false);
  };
  auto run = (*engine)->GradeBatch(*problem, discovery->submissions,
                                   fs::absolute(options.source).string(), settings);
  if (!run.ok()) return Fail(run.status());
  if (run->interrupted) {
    std::cerr << "\ngrader: interrupted: stopping workers\n";
  } else if (progress) {
    progress->Show(run->entries.size() - (run->total - progress->total()), true);
  }
  // Display names and LMS ids come from the files (the database keeps the learner's key).
  std::vector<batch::GradedEntry> entries = run->entries;
  std::map<std::string, const batch::Submission*> by_learner;
  for (const batch::Submission& s : discovery->submissions) by_learner[s.learner] = &s;
  for (batch::GradedEntry& e : entries) {
    if (auto it = by_learner.find(e.learner); it != by_learner.end()) {
      e.name = it->second->name;
      e.lms_id = it->second->lms_id;
    }
  }
  if (base::Status s = WriteOutputs(options, *problem, entries, *discovery); !s.ok()) {
    return Fail(s);
  }
  std::cout << batch::Summary(*problem, entries, run->total, discovery->skipped.size());
  for (const std::string& error : run->errors) std::cerr << "grader: error: " << error << "\n";
  if (run->interrupted) {
    std::cerr << "grader: interrupted: " << entries.size() << " of " << run->total
              << " graded; run the same command again to finish\n";
    return kExitInterrupted;
  }
  if (!run->errors.empty() || entries.size() != run->total) return kExitInternalError;
  for (const batch::GradedEntry& e : entries) {
    if (e.result.status == SubmissionStatus::kInternalError) return kExitInternalError;
  }
  return kExitOk;
}

}  // namespace grader::cli
