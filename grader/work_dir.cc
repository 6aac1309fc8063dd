#include "grader/work_dir.h"

#include <stdlib.h>

#include <cerrno>
#include <cstring>

namespace grader {

base::StatusOr<WorkDir> WorkDir::Create(const std::filesystem::path& parent) {
  std::string path_template = (parent / "dlgrader-XXXXXX").string();
  if (::mkdtemp(path_template.data()) == nullptr) {
    return base::Status::Internal("cannot create a work directory in " + parent.string() + ": " +
                                  std::strerror(errno));
  }
  return WorkDir(path_template);
}

WorkDir::WorkDir(WorkDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }

WorkDir::~WorkDir() {
  if (path_.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);  // does not follow symlinks inside the tree
}

}  // namespace grader
