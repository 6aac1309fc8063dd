#include "db/connection.h"

#include <stdexcept>

namespace db {

int64_t InsertReturningId(Statement& insert) {
  if (!insert.Step()) throw std::runtime_error("INSERT ... RETURNING id returned no row");
  const int64_t id = insert.Column(0).Int64();
  insert.Reset();
  return id;
}

const char* NowSql(Dialect dialect) {
  return dialect == Dialect::kSqlite
             ? "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
             : "to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";
}

const char* ForUpdate(Dialect dialect) { return dialect == Dialect::kSqlite ? "" : " FOR UPDATE"; }

const char* ForUpdateSkipLocked(Dialect dialect) {
  return dialect == Dialect::kSqlite ? "" : " FOR UPDATE SKIP LOCKED";
}

base::StatusOr<DatabaseUrl> ParseDatabaseUrl(const std::string& url) {
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    return DatabaseUrl{Dialect::kPostgres, url};
  }
  if (url.rfind("sqlite:", 0) == 0) {
    const std::string path = url.substr(7);
    if (path.empty()) {
      return base::Status::InvalidArgument("database URL '" + url + "' names no file");
    }
    return DatabaseUrl{Dialect::kSqlite, path};
  }
  const size_t scheme = url.find("://");
  if (scheme != std::string::npos) {
    return base::Status::InvalidArgument("database URL '" + RedactDatabaseUrl(url) +
                                         "': unknown scheme (use sqlite:PATH or postgresql://...)");
  }
  if (url.empty()) return base::Status::InvalidArgument("empty database URL");
  return DatabaseUrl{Dialect::kSqlite, url};
}

std::string RedactDatabaseUrl(const std::string& url) {
  // postgresql://user:password@host/... -> postgresql://user:***@host/...
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const size_t at = url.find('@', scheme + 3);
  const size_t slash = url.find('/', scheme + 3);
  if (at == std::string::npos || (slash != std::string::npos && slash < at)) return url;
  const size_t colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

}  // namespace db
