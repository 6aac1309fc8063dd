// Removing what killed graders left behind in a work-directory parent ($TMPDIR).
//
// A work directory is named dlgrader-<pid>-<start>-XXXXXX (grader/work_dir.h) and is an orphan
// when both hold: its owner process is gone (no such pid, or a pid reused by a process that
// started later: sandbox/owner.h), and nobody holds the flock its owner keeps on it (a live
// grader in another pid namespace, invisible in /proc, still holds it). Directories of live
// graders, older names without an owner (dlgrader-XXXXXX) and anything else are never touched.
// Thread-safe.
#pragma once

#include <cstddef>
#include <filesystem>

namespace grader {

// Removes the orphans directly inside `parent` (never following a link); returns how many.
size_t RemoveOrphanWorkDirs(const std::filesystem::path& parent);

}  // namespace grader
