// db migrations: the schema as an ordered list of SQL scripts. Migration N (1-based) takes the
// schema from version N-1 to version N; the versions applied are rows of
//   schema_migrations(version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL).
// Each migration runs in its own transaction together with its schema_migrations row, so a
// database is always at exactly one known version. Internal to db/: not part of the public API.
//
// The scripts are written once, in SQLite's DDL; ForDialect() gives PostgreSQL's: a row id
// `id INTEGER PRIMARY KEY` becomes an identity column, INTEGER BIGINT (SQLite's integers are
// 64-bit), REAL DOUBLE PRECISION, BLOB BYTEA. The rest (TEXT, CHECK, REFERENCES, UNIQUE,
// indexes) is common SQL.
#pragma once

#include <string>

#include "base/status.h"
#include "db/connection.h"

namespace db {

// The version a fully migrated database has with this build (the number of migrations).
int LatestSchemaVersion();

// A migration script in the dialect's DDL (see above).
std::string ForDialect(const std::string& sqlite_ddl, Dialect dialect);

// The highest applied version of `database` (0 for a fresh database).
// Errors: kInternal when the database cannot be read.
base::StatusOr<int> ReadSchemaVersion(Connection& database);

// Applies every pending migration in order and returns the resulting version.
// Errors: kInvalidArgument when the database is newer than this build (its version exceeds
// LatestSchemaVersion()); kInternal when a migration fails (that migration is rolled back and the
// database stays at the previous version). Never throws.
base::StatusOr<int> ApplyMigrations(Connection& database);

}  // namespace db
