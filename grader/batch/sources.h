// Finding the submissions of a class in a folder or a .zip, and whose each one is
// (docs/batch.md, "Layouts"). Nothing is extracted to disk: files are read into memory, with
// every entry checked first (no absolute or `..` paths, no symbolic links, no huge entries, no
// overlong names), and memory bounded by what is read (ArchiveLimits), not by the entry count.
//
// Layouts, decided per file from its path relative to SOURCE:
//   alice.cpp                                          flat: learner = stem
//   alice/anything.cpp                                 per-learner folder: exactly one C++ file
//   smithj_12345_67890_linear.cpp, smithj_late_...     Canvas: login, user id, late marker
//   Ann Lee_4242_assignsubmission_file_/x.cpp          Moodle (also flat "..._file_x.cpp")
// Anything else is listed with the reason it was skipped; a learner who appears twice is
// skipped and listed, never graded under one name at random.
//
// Who a learner is (docs/batch.md, "Learner identity"): a Canvas submission is keyed by the
// Canvas user id ("canvas:12345"; the login is its display name), since logins repeat. Moodle's
// participant id is per assignment, so a Moodle learner is keyed by full name (mastery follows
// one person across problems), with the participant id kept for the Moodle worksheet; two
// participants of one name become "Ann Lee (participant 4242)" and "... 4243". Names are
// normalised to NFC (grader/learner_name.h) first.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "base/status.h"

namespace grader::batch {

struct Submission {
  std::string learner;  // the key under which it is recorded
  std::string name;     // the display name (the Canvas login, the Moodle full name, ...)
  std::string lms_id;   // the Canvas user id or Moodle participant id, or ""
  std::string file;     // path relative to SOURCE (inside the archive for a .zip)
  std::string layout;   // "flat", "folder", "canvas", "moodle"
  bool late = false;
  std::string source;
};

// A skipped file that named a learner: a gradebook gives that learner a row with the reason.
struct SkippedLearner {
  std::string learner;
  std::string name;
  std::string lms_id;
  std::string file;
  std::string reason;
};

struct Discovery {
  std::vector<Submission> submissions;           // sorted by file
  std::vector<std::string> skipped;              // "path: reason", every skipped file
  std::vector<SkippedLearner> skipped_learners;  // those of them that named a learner
};

// How a relative path names its learner; `skip_reason` is set when it does not.
struct Identity {
  std::string learner;  // the key (see above); before Assemble settles same-name participants
  std::string name;
  std::string lms_id;
  std::string layout;
  bool late = false;
  std::string skip_reason;
};
Identity IdentifyPath(const std::string& relative_path);

inline constexpr size_t kMaxEntries = 100000;

// What a .zip may hold. Each entry is also bounded by kMaxSourceBytes (larger ones are skipped
// unread), and its name by 1024 characters (longer ones are skipped).
struct ArchiveLimits {
  size_t max_entries = kMaxEntries;
  size_t max_total_bytes = 128 << 20;  // uncompressed, of the entries read
};

// Errors: kInvalidArgument naming SOURCE when it does not exist, is neither a folder nor a .zip,
// is a malformed archive, or exceeds `limits` (then also naming the entry).
base::StatusOr<Discovery> DiscoverSubmissions(const std::filesystem::path& source,
                                              const ArchiveLimits& limits = ArchiveLimits());

}  // namespace grader::batch
