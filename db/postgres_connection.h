// db: the PostgreSQL backend of db::Connection (db/connection.h), over libpqxx.
//
// The store's SQL uses `?`/`?N` placeholders; they are rewritten to `$N` here (outside quoted
// literals). Parameters travel as text and PostgreSQL infers their types from the statement.
// Transactions are explicit BEGIN/COMMIT on one session. libpqxx's own silent reconnection is
// off (it could resume a half-done transaction in autocommit on a new session); instead a
// connection found broken is reopened at the next statement outside a transaction, so a worker
// carries on after a PostgreSQL restart.
#pragma once

#include <memory>
#include <string>

#include "base/status.h"
#include "db/connection.h"

namespace db {

// Connects to `uri` (a libpq URI). kUnavailable naming the redacted URI when it cannot.
base::StatusOr<std::unique_ptr<Connection>> OpenPostgres(const std::string& uri);

// "?"/"?N" placeholders as "$N" (sequential for "?"), quoted literals left alone.
std::string PostgresPlaceholders(const std::string& sql);

}  // namespace db
