#include "grader/batch/sources.h"

#include <sys/stat.h>
#include <zip.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string_view>

#include "base/utf8.h"
#include "grader/grade.h"
#include "grader/learner_name.h"

namespace grader::batch {
namespace {

namespace fs = std::filesystem;

bool IsCppFile(const std::string& name) {
  for (const char* ext : {".cpp", ".cc", ".cxx", ".C", ".c++"}) {
    const std::string e = ext;
    if (name.size() > e.size() && name.compare(name.size() - e.size(), e.size(), e) == 0) {
      return true;
    }
  }
  return false;
}

std::string Stem(const std::string& name) { return fs::path(name).stem().string(); }

std::vector<std::string> Components(const std::string& path) {
  std::vector<std::string> parts;
  std::stringstream in(path);
  std::string part;
  while (std::getline(in, part, '/')) {
    if (!part.empty()) parts.push_back(part);
  }
  return parts;
}

bool AllDigits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c));
  });
}

bool AllWordCharacters(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

bool StartsWithNoCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  }
  return true;
}

// Hand-written matchers instead of std::regex, whose recursion overflowed the stack on a
// 26,000-character entry name. Each states the pattern it implements.

// "_<digits>_<digits>_<at least one character>"; the first digits are the Canvas user id.
bool IsCanvasTail(std::string_view tail, std::string* user_id) {
  if (tail.empty() || tail[0] != '_') return false;
  const size_t second = tail.find('_', 1);
  if (second == std::string_view::npos || !AllDigits(tail.substr(1, second - 1))) return false;
  const size_t third = tail.find('_', second + 1);
  const bool fits = third != std::string_view::npos &&
                    AllDigits(tail.substr(second + 1, third - second - 1)) &&
                    third + 1 < tail.size();
  if (fits) *user_id = std::string(tail.substr(1, second - 1));
  return fits;
}

// Canvas: login[_late]_userid_submissionid_filename, the shortest login that fits, "_late" in
// any case.
bool MatchCanvas(std::string_view name, std::string* login, std::string* user_id, bool* late) {
  for (size_t end = 1; end < name.size(); ++end) {
    if (name[end] != '_') continue;
    const std::string_view rest = name.substr(end);
    if (StartsWithNoCase(rest, "_late") && IsCanvasTail(rest.substr(5), user_id)) {
      *login = std::string(name.substr(0, end));
      *late = true;
      return true;
    }
    if (IsCanvasTail(rest, user_id)) {
      *login = std::string(name.substr(0, end));
      *late = false;
      return true;
    }
  }
  return false;
}

// Moodle: <learner>_<digits>_assignsubmission_<rest>, the longest learner that fits; `rest` is
// what follows the marker. The digits run back to the '_' before them.
bool MatchMoodle(std::string_view name, std::string* learner, std::string* participant,
                 std::string_view* rest, const std::function<bool(std::string_view)>& rest_fits) {
  constexpr std::string_view kMarker = "_assignsubmission_";
  for (size_t at = name.rfind(kMarker); at != std::string_view::npos && at > 0;
       at = name.rfind(kMarker, at - 1)) {
    const size_t underscore = name.rfind('_', at - 1);
    if (underscore == std::string_view::npos || underscore == 0) continue;
    if (!AllDigits(name.substr(underscore + 1, at - underscore - 1))) continue;
    const std::string_view tail = name.substr(at + kMarker.size());
    if (!rest_fits(tail)) continue;
    *learner = std::string(name.substr(0, underscore));
    *participant = std::string(name.substr(underscore + 1, at - underscore - 1));
    *rest = tail;
    return true;
  }
  return false;
}

// A path longer than this is skipped before any parsing (a file system allows 4096).
constexpr size_t kMaxPathChars = 1024;

// Checks what the learner's code will be named after (grader/learner_name.h).
std::string LearnerProblem(const std::string& learner) {
  return ValidateLearnerName(learner).message();
}

struct RawFile {
  std::string path;
  std::string skip_reason;  // set: do not read
  std::string data;
};

// A path or learner name as the grader shows and stores it (skipped lines, the `file` and
// `learner` of every output): valid UTF-8 with control characters escaped, since file names
// are the learners' text and end up on terminals and in JSON.
std::string Shown(const std::string& text) { return base::utf8::EscapeForTerminal(text); }

// Reads what IdentifyPath accepts; sorts; settles duplicates; validates contents.
Discovery Assemble(std::vector<RawFile> files) {
  std::sort(files.begin(), files.end(),
            [](const RawFile& a, const RawFile& b) { return a.path < b.path; });
  Discovery discovery;
  std::vector<SkippedLearner> skipped_learners;
  // Every skipped file is listed; one that named a valid learner also gives that learner a row.
  auto skip = [&](const std::string& file, const Identity& id, const std::string& reason) {
    discovery.skipped.push_back(file + ": " + reason);
    if (!id.learner.empty() && ValidateLearnerName(id.learner).ok()) {
      skipped_learners.push_back({id.learner, id.name, id.lms_id, file, reason});
    }
  };
  std::map<std::string, std::vector<Submission>> by_learner;
  for (RawFile& f : files) {
    const Identity id = IdentifyPath(f.path);
    if (!f.skip_reason.empty()) {
      skip(Shown(f.path), id, f.skip_reason);
      continue;
    }
    if (!id.skip_reason.empty()) {
      skip(Shown(f.path), id, Shown(id.skip_reason));
      continue;
    }
    if (base::Status s = ValidateSource(f.data); !s.ok()) {
      skip(Shown(f.path), id, s.message());
      continue;
    }
    by_learner[id.learner].push_back(
        {id.learner, id.name, id.lms_id, Shown(f.path), id.layout, id.late, std::move(f.data)});
  }
  for (auto& [learner, list] : by_learner) {
    if (list.size() == 1) {
      discovery.submissions.push_back(std::move(list[0]));
      continue;
    }
    // Moodle participants who share a full name are different people: each keeps a submission.
    std::set<std::string> participants;
    for (const Submission& s : list) {
      if (s.layout == "moodle") participants.insert(s.lms_id);
    }
    if (participants.size() == list.size()) {
      for (Submission& s : list) {
        s.learner = s.name + " (participant " + s.lms_id + ")";
        discovery.submissions.push_back(std::move(s));
      }
      continue;
    }
    for (const Submission& s : list) {
      const std::string reason = "learner '" + learner + "' has " + std::to_string(list.size()) +
                                 " submissions; grade one";
      discovery.skipped.push_back(s.file + ": " + reason);
      skipped_learners.push_back({learner, s.name, s.lms_id, s.file, reason});
    }
  }
  std::sort(discovery.submissions.begin(), discovery.submissions.end(),
            [](const Submission& a, const Submission& b) { return a.file < b.file; });
  // One row per skipped learner who has nothing graded (a stray readme beside a graded file
  // is listed, but gives no row).
  std::set<std::string> graded;
  for (const Submission& s : discovery.submissions) graded.insert(s.learner);
  std::set<std::string> rowed;
  for (SkippedLearner& l : skipped_learners) {
    if (graded.count(l.learner) || !rowed.insert(l.learner).second) continue;
    discovery.skipped_learners.push_back(std::move(l));
  }
  return discovery;
}

base::StatusOr<Discovery> FromFolder(const fs::path& root) {
  std::vector<RawFile> files;
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::none, ec), end;
  if (ec) return base::Status::InvalidArgument(root.string() + ": cannot be read: " + ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec)
      return base::Status::InvalidArgument(root.string() + ": cannot be read: " + ec.message());
    if (files.size() > kMaxEntries) {
      return base::Status::InvalidArgument(root.string() + ": more than " +
                                           std::to_string(kMaxEntries) + " files");
    }
    const fs::path path = it->path();
    const std::string relative = fs::relative(path, root).generic_string();
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      if (it.depth() >= 1) it.disable_recursion_pending();  // deeper files are not ours
      continue;
    }
    RawFile file{relative, "", ""};
    if (S_ISLNK(st.st_mode)) {
      file.skip_reason = "a symbolic link (not followed)";
    } else if (!S_ISREG(st.st_mode)) {
      file.skip_reason = "not a regular file";
    } else if (static_cast<size_t>(st.st_size) > kMaxSourceBytes) {
      file.skip_reason = "too large (" + std::to_string(st.st_size) + " bytes)";
    } else if (IdentifyPath(relative).skip_reason.empty()) {
      std::ifstream in(path, std::ios::binary);
      std::stringstream text;
      text << in.rdbuf();
      if (!in) file.skip_reason = "cannot be read";
      file.data = text.str();
    }
    files.push_back(std::move(file));
  }
  return Assemble(std::move(files));
}

struct ZipCloser {
  void operator()(zip_t* archive) const { zip_discard(archive); }
};
struct ZipFileCloser {
  void operator()(zip_file_t* file) const { zip_fclose(file); }
};

// Why a name inside an archive must not be used, or "".
std::string UnsafeEntryName(const std::string& name) {
  if (name.empty() || name[0] == '/' || name.find('\\') != std::string::npos ||
      name.find(':') == 1) {
    return "unsafe path (absolute or with backslashes): refused";
  }
  for (const std::string& part : Components(name)) {
    if (part == "..") return "unsafe path (contains ..): refused";
  }
  return "";
}

// Names an entry in an error without quoting a hostile name whole.
base::Status Refuse(const fs::path& zip, const std::string& entry, const std::string& why) {
  constexpr size_t kShownChars = 200;
  const std::string shown =
      entry.size() > kShownChars ? entry.substr(0, kShownChars) + "..." : entry;
  return base::Status::InvalidArgument(zip.string() + ": entry " + shown + ": " + why);
}

// The entry's bytes, at most `declared` + 1 of them: a size field that lies cannot make us
// inflate (or hold) more than it announced, and memory grows with what is actually read, in
// chunks, not with a worst-case buffer per entry.
base::StatusOr<std::string> ReadEntry(zip_t* archive, zip_uint64_t index, size_t declared) {
  std::unique_ptr<zip_file_t, ZipFileCloser> entry(zip_fopen_index(archive, index, 0));
  if (!entry)
    return base::Status::InvalidArgument(std::string("cannot be read: ") + zip_strerror(archive));
  const size_t limit = declared + 1;
  std::string data;
  char chunk[16 << 10];
  while (data.size() < limit) {
    const size_t want = std::min(sizeof(chunk), limit - data.size());
    const zip_int64_t n = zip_fread(entry.get(), chunk, want);
    if (n < 0) {
      return base::Status::InvalidArgument(std::string("is corrupt: ") +
                                           zip_file_strerror(entry.get()));
    }
    if (n == 0) break;
    data.append(chunk, static_cast<size_t>(n));
  }
  data.shrink_to_fit();
  return data;
}

base::StatusOr<Discovery> FromZip(const fs::path& path, const ArchiveLimits& limits) {
  int error = 0;
  std::unique_ptr<zip_t, ZipCloser> archive(
      zip_open(path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &error));
  if (!archive) {
    zip_error_t ze;
    zip_error_init_with_code(&ze, error);
    std::string why = zip_error_strerror(&ze);
    zip_error_fini(&ze);
    return base::Status::InvalidArgument(path.string() + ": not a valid zip archive (" + why + ")");
  }
  const zip_int64_t count = zip_get_num_entries(archive.get(), 0);
  if (count < 0 || static_cast<size_t>(count) > limits.max_entries) {
    return base::Status::InvalidArgument(path.string() + ": more than " +
                                         std::to_string(limits.max_entries) + " entries: refused");
  }
  std::vector<RawFile> files;
  size_t total_bytes = 0;  // of the entries read
  for (zip_uint64_t i = 0; i < static_cast<zip_uint64_t>(count); ++i) {
    zip_stat_t st;
    if (zip_stat_index(archive.get(), i, 0, &st) != 0 || (st.valid & ZIP_STAT_NAME) == 0) {
      return base::Status::InvalidArgument(path.string() + ": entry " + std::to_string(i) +
                                           " is unreadable: " + zip_strerror(archive.get()));
    }
    const std::string name = st.name;
    if (!name.empty() && name.back() == '/') continue;  // a folder
    RawFile file{name, UnsafeEntryName(name), ""};
    if (name.size() > kMaxPathChars) {
      // Listed under a shortened name: the reason is the length, not the text.
      file.path = name.substr(0, 200) + "...";
      file.skip_reason = "path longer than " + std::to_string(kMaxPathChars) + " characters";
    }
    zip_uint8_t opsys = 0;
    zip_uint32_t attributes = 0;
    if (file.skip_reason.empty() &&
        zip_file_get_external_attributes(archive.get(), i, 0, &opsys, &attributes) == 0 &&
        opsys == ZIP_OPSYS_UNIX) {
      const mode_t mode = attributes >> 16;
      if (S_ISLNK(mode)) file.skip_reason = "a symbolic link: refused";
    }
    if (file.skip_reason.empty() && (st.valid & ZIP_STAT_SIZE) && st.size > kMaxSourceBytes) {
      file.skip_reason = "too large (" + std::to_string(st.size) + " bytes)";
    }
    if (file.skip_reason.empty() && IdentifyPath(name).skip_reason.empty()) {
      const size_t declared =
          (st.valid & ZIP_STAT_SIZE) ? static_cast<size_t>(st.size) : kMaxSourceBytes;
      auto data = ReadEntry(archive.get(), i, declared);
      if (!data.ok()) return Refuse(path, name, data.status().message());
      if (data->size() > declared) {
        file.skip_reason = declared == kMaxSourceBytes
                               ? "too large (over " + std::to_string(kMaxSourceBytes) + " bytes)"
                               : "holds more data than its declared size: refused";
      } else {
        total_bytes += data->size();
        if (total_bytes > limits.max_total_bytes) {
          return Refuse(path, name,
                        "the archive's source files exceed " +
                            std::to_string(limits.max_total_bytes) +
                            " bytes in total uncompressed: refused");
        }
        file.data = std::move(*data);
      }
    }
    files.push_back(std::move(file));
  }
  return Assemble(std::move(files));
}

}  // namespace

Identity IdentifyPath(const std::string& relative_path) {
  Identity id;
  if (relative_path.size() > kMaxPathChars) {
    id.skip_reason = "path longer than " + std::to_string(kMaxPathChars) + " characters";
    return id;
  }
  const std::vector<std::string> parts = Components(relative_path);
  for (const std::string& part : parts) {
    if (part[0] == '.' || part == "__MACOSX") {
      id.skip_reason = "hidden or system file";
      return id;
    }
  }
  if (parts.empty() || parts.size() > 2) {
    id.skip_reason = "not at the top level or in a learner's folder";
    return id;
  }
  const std::string& name = parts.back();
  if (!IsCppFile(name)) {
    id.skip_reason = "not a C++ source file";
    return id;
  }
  std::string_view rest;
  if (parts.size() == 2) {
    // Moodle folder: <learner>_<digits>_assignsubmission_<plugin>_
    auto folder_fits = [](std::string_view tail) {
      return tail.size() >= 2 && tail.back() == '_' &&
             AllWordCharacters(tail.substr(0, tail.size() - 1));
    };
    if (MatchMoodle(parts[0], &id.learner, &id.lms_id, &rest, folder_fits)) {
      id.layout = "moodle";
      const std::string plugin(rest.substr(0, rest.size() - 1));
      if (plugin != "file") id.skip_reason = "a Moodle '" + plugin + "' submission, not a file";
    } else {
      id.layout = "folder";
      id.learner = parts[0];
    }
  } else if (MatchMoodle(name, &id.learner, &id.lms_id, &rest, [](std::string_view tail) {
               return tail.size() > 5 && tail.starts_with("file_");
             })) {
    // Moodle file: <learner>_<digits>_assignsubmission_file_<filename>
    id.layout = "moodle";
  } else if (MatchCanvas(name, &id.learner, &id.lms_id, &id.late)) {
    id.layout = "canvas";
  } else {
    id.layout = "flat";
    id.learner = Stem(name);
  }
  id.name = NormalizeLearnerName(base::utf8::Sanitise(id.learner));
  id.learner = id.layout == "canvas" ? "canvas:" + id.lms_id : id.name;
  if (id.skip_reason.empty()) id.skip_reason = LearnerProblem(id.name);
  if (id.skip_reason.empty()) id.skip_reason = LearnerProblem(id.learner);
  return id;
}

base::StatusOr<Discovery> DiscoverSubmissions(const fs::path& source, const ArchiveLimits& limits) {
  struct stat st {};
  if (::stat(source.c_str(), &st) != 0) {
    return base::Status::InvalidArgument(source.string() + ": does not exist");
  }
  if (S_ISDIR(st.st_mode)) return FromFolder(source);
  if (S_ISREG(st.st_mode) && source.extension() == ".zip") return FromZip(source, limits);
  return base::Status::InvalidArgument(source.string() + ": is neither a folder nor a .zip file");
}

}  // namespace grader::batch
