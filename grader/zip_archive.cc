#include "grader/zip_archive.h"

#include <sys/stat.h>
#include <zip.h>

namespace grader {

base::Status WriteZip(const std::filesystem::path& path, const std::vector<ZipFile>& files) {
  int error = 0;
  zip_t* archive = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  if (archive == nullptr) return base::Status::InvalidArgument(path.string() + ": cannot create");
  for (const ZipFile& f : files) {
    zip_source_t* source = zip_source_buffer(archive, f.data.data(), f.data.size(), 0);
    const zip_int64_t index =
        source == nullptr ? -1 : zip_file_add(archive, f.name.c_str(), source, ZIP_FL_ENC_UTF_8);
    if (index < 0) {
      if (source != nullptr) zip_source_free(source);
      zip_discard(archive);
      return base::Status::InvalidArgument(path.string() + ": cannot add " + f.name);
    }
    const zip_uint32_t mode = f.symlink ? (S_IFLNK | 0777) : (S_IFREG | (f.mode & 0777));
    zip_file_set_external_attributes(archive, static_cast<zip_uint64_t>(index), 0, ZIP_OPSYS_UNIX,
                                     mode << 16);
  }
  if (zip_close(archive) != 0) {
    const std::string why = zip_strerror(archive);
    zip_discard(archive);
    return base::Status::InvalidArgument(path.string() + ": " + why);
  }
  return base::Status::Ok();
}

}  // namespace grader
