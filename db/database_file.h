// db: checks of a database file before SQLite opens it, so that a damaged or unusable database
// is refused with a message naming the problem (and the caller can stop before any work),
// instead of failing on the first write. Internal to db/ (Store::Open calls it).
#pragma once

#include <string>

#include "base/status.h"

namespace db {

// OK for a missing or empty file (SQLite creates the schema) and for ":memory:". Otherwise
// kInvalidArgument naming `path` when it is not a regular file, is read-only (no owner write
// bit, or not writable by this process), does not start with SQLite's header, or is shorter
// than its header says (a truncated copy).
base::Status CheckDatabaseFile(const std::string& path);

}  // namespace db
