#include "grader/batch/sources.h"

#include <sys/stat.h>
#include <zip.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <sstream>

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

const std::regex& CanvasPattern() {
  // login[_late]_userid_submissionid_filename
  static const std::regex pattern(R"(^(.+?)(_late)?_(\d+)_(\d+)_(.+)$)", std::regex::icase);
  return pattern;
}
const std::regex& MoodleFolderPattern() {
  static const std::regex pattern(R"(^(.+)_(\d+)_assignsubmission_(\w+?)_$)");
  return pattern;
}
const std::regex& MoodleFilePattern() {
  static const std::regex pattern(R"(^(.+)_(\d+)_assignsubmission_file_(.+)$)");
  return pattern;
}

// Checks what the learner's code will be named after (grader/learner_name.h).
std::string LearnerProblem(const std::string& learner) {
  return ValidateLearnerName(learner).message();
}

struct RawFile {
  std::string path;
  std::string skip_reason;  // set: do not read
  std::string data;
};

// Reads what IdentifyPath accepts; sorts; settles duplicates; validates contents.
Discovery Assemble(std::vector<RawFile> files) {
  std::sort(files.begin(), files.end(),
            [](const RawFile& a, const RawFile& b) { return a.path < b.path; });
  Discovery discovery;
  std::map<std::string, std::vector<Submission>> by_learner;
  for (RawFile& f : files) {
    if (!f.skip_reason.empty()) {
      discovery.skipped.push_back(f.path + ": " + f.skip_reason);
      continue;
    }
    Identity id = IdentifyPath(f.path);
    if (!id.skip_reason.empty()) {
      discovery.skipped.push_back(f.path + ": " + id.skip_reason);
      continue;
    }
    if (base::Status s = ValidateSource(f.data); !s.ok()) {
      discovery.skipped.push_back(f.path + ": " + s.message());
      continue;
    }
    by_learner[id.learner].push_back({id.learner, f.path, id.layout, id.late, std::move(f.data)});
  }
  for (auto& [learner, list] : by_learner) {
    if (list.size() == 1) {
      discovery.submissions.push_back(std::move(list[0]));
      continue;
    }
    for (const Submission& s : list) {
      discovery.skipped.push_back(s.file + ": learner '" + learner + "' has " +
                                  std::to_string(list.size()) + " submissions; grade one");
    }
  }
  std::sort(discovery.submissions.begin(), discovery.submissions.end(),
            [](const Submission& a, const Submission& b) { return a.file < b.file; });
  return discovery;
}

base::StatusOr<Discovery> FromFolder(const fs::path& root) {
  std::vector<RawFile> files;
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::none, ec), end;
  if (ec) return base::Status::InvalidArgument(root.string() + ": cannot be read: " + ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) return base::Status::InvalidArgument(root.string() + ": cannot be read: " + ec.message());
    if (files.size() > kMaxEntries) {
      return base::Status::InvalidArgument(root.string() + ": more than " +
                                           std::to_string(kMaxEntries) + " files");
    }
    const fs::path path = it->path();
    const std::string relative = fs::relative(path, root).generic_string();
    struct stat st{};
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

base::StatusOr<Discovery> FromZip(const fs::path& path) {
  int error = 0;
  std::unique_ptr<zip_t, ZipCloser> archive(zip_open(path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &error));
  if (!archive) {
    zip_error_t ze;
    zip_error_init_with_code(&ze, error);
    std::string why = zip_error_strerror(&ze);
    zip_error_fini(&ze);
    return base::Status::InvalidArgument(path.string() + ": not a valid zip archive (" + why + ")");
  }
  const zip_int64_t count = zip_get_num_entries(archive.get(), 0);
  if (count < 0 || static_cast<size_t>(count) > kMaxEntries) {
    return base::Status::InvalidArgument(path.string() + ": too many entries");
  }
  std::vector<RawFile> files;
  for (zip_uint64_t i = 0; i < static_cast<zip_uint64_t>(count); ++i) {
    zip_stat_t st;
    if (zip_stat_index(archive.get(), i, 0, &st) != 0 || (st.valid & ZIP_STAT_NAME) == 0) {
      return base::Status::InvalidArgument(path.string() + ": entry " + std::to_string(i) +
                                           " is unreadable: " + zip_strerror(archive.get()));
    }
    const std::string name = st.name;
    if (!name.empty() && name.back() == '/') continue;  // a folder
    RawFile file{name, UnsafeEntryName(name), ""};
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
      std::unique_ptr<zip_file_t, ZipFileCloser> entry(zip_fopen_index(archive.get(), i, 0));
      if (!entry) {
        return base::Status::InvalidArgument(path.string() + ": entry " + name +
                                             " cannot be read: " + zip_strerror(archive.get()));
      }
      // Reads at most one byte past the limit: a lying size field cannot make us inflate more.
      std::string data(kMaxSourceBytes + 1, '\0');
      zip_int64_t total = 0;
      while (total < static_cast<zip_int64_t>(data.size())) {
        zip_int64_t n = zip_fread(entry.get(), data.data() + total,
                                  data.size() - static_cast<size_t>(total));
        if (n < 0) {
          return base::Status::InvalidArgument(path.string() + ": entry " + name +
                                               " is corrupt: " + zip_file_strerror(entry.get()));
        }
        if (n == 0) break;
        total += n;
      }
      if (static_cast<size_t>(total) > kMaxSourceBytes) {
        file.skip_reason = "too large (over " + std::to_string(kMaxSourceBytes) + " bytes)";
      } else {
        data.resize(static_cast<size_t>(total));
        file.data = std::move(data);
      }
    }
    files.push_back(std::move(file));
  }
  return Assemble(std::move(files));
}

}  // namespace

Identity IdentifyPath(const std::string& relative_path) {
  Identity id;
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
  std::smatch m;
  if (parts.size() == 2) {
    if (std::regex_match(parts[0], m, MoodleFolderPattern())) {
      id.layout = "moodle";
      id.learner = m[1];
      if (m[3] != "file") id.skip_reason = "a Moodle '" + m[3].str() + "' submission, not a file";
    } else {
      id.layout = "folder";
      id.learner = parts[0];
    }
  } else if (std::regex_match(name, m, MoodleFilePattern())) {
    id.layout = "moodle";
    id.learner = m[1];
  } else if (std::regex_match(name, m, CanvasPattern())) {
    id.layout = "canvas";
    id.learner = m[1];
    id.late = m[2].matched;
  } else {
    id.layout = "flat";
    id.learner = Stem(name);
  }
  if (id.skip_reason.empty()) id.skip_reason = LearnerProblem(id.learner);
  return id;
}

base::StatusOr<Discovery> DiscoverSubmissions(const fs::path& source) {
  struct stat st{};
  if (::stat(source.c_str(), &st) != 0) {
    return base::Status::InvalidArgument(source.string() + ": does not exist");
  }
  if (S_ISDIR(st.st_mode)) return FromFolder(source);
  if (S_ISREG(st.st_mode) && source.extension() == ".zip") return FromZip(source);
  return base::Status::InvalidArgument(source.string() + ": is neither a folder nor a .zip file");
}

}  // namespace grader::batch
