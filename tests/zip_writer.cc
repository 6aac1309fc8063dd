#include "zip_writer.h"

#include <sys/stat.h>
#include <zip.h>

namespace testing_util {

bool WriteZip(const std::filesystem::path& path, const std::vector<ZipEntry>& entries) {
  int error = 0;
  zip_t* archive = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  if (archive == nullptr) return false;
  for (const ZipEntry& e : entries) {
    zip_source_t* source = zip_source_buffer(archive, e.data.data(), e.data.size(), 0);
    if (source == nullptr) return false;
    const zip_int64_t index = zip_file_add(archive, e.name.c_str(), source, ZIP_FL_ENC_UTF_8);
    if (index < 0) {
      zip_source_free(source);
      zip_discard(archive);
      return false;
    }
    const zip_uint32_t mode = e.symlink ? (S_IFLNK | 0777) : (S_IFREG | 0644);
    zip_file_set_external_attributes(archive, static_cast<zip_uint64_t>(index), 0, ZIP_OPSYS_UNIX,
                                     mode << 16);
  }
  return zip_close(archive) == 0;
}

}  // namespace testing_util
