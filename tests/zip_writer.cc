#include "zip_writer.h"

#include "grader/zip_archive.h"

namespace testing_util {

bool WriteZip(const std::filesystem::path& path, const std::vector<ZipEntry>& entries) {
  std::vector<grader::ZipFile> files;
  for (const ZipEntry& e : entries) files.push_back({e.name, e.data, 0644, e.symlink});
  return grader::WriteZip(path, files).ok();
}

}  // namespace testing_util
