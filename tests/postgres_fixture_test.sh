#!/usr/bin/env bash
# The ctest fixture `postgres` (tests/CMakeLists.txt) gives a working PostgreSQL 15 or newer:
# the URL in the environment is the one in DIR/url, role grader owns database grader and may
# create databases (tests isolate themselves in their own), and the server restarts in place.
# Usage: tests/postgres_fixture_test.sh DIR
set -euo pipefail
fail() { echo "postgres_fixture_test: $*" >&2; exit 1; }
dir=$1
url=${GRADER_TEST_POSTGRES_URL:?GRADER_TEST_POSTGRES_URL is not set}
[[ -f $dir/url ]] || fail "$dir/url is missing (did postgres_start run?)"
[[ $(cat "$dir/url") == "$url" ]] || fail "env URL '$url' differs from $dir/url '$(cat "$dir/url")'"

sql() { psql "$1" -X -A -t -v ON_ERROR_STOP=1 -c "$2"; }
[[ $(sql "$url" "select 1") == 1 ]] || fail "select 1 did not return 1"
version=$(sql "$url" "select current_setting('server_version_num')::int")
((version >= 150000)) || fail "server_version_num $version < 150000"
[[ $(sql "$url" "select current_user || ' ' || current_database()") == "grader grader" ]] ||
  fail "not connected as role grader to database grader"

# A scratch database of our own: created, written, read back, dropped.
scratch=fixture_check_$$
sql "$url" "create database $scratch" > /dev/null
scratch_url=${url/\/\/\/grader?/\/\/\/$scratch?}
sql "$scratch_url" "create table t (x int); insert into t values (41), (1)" > /dev/null
[[ $(sql "$scratch_url" "select sum(x) from t") == 42 ]] || fail "scratch table read back wrong"
sql "$url" "drop database $scratch" > /dev/null

# The service must survive a database restart: the same URL works again afterwards.
"$(dirname "$0")/../scripts/pg-test-server.sh" restart "$dir"
[[ $(sql "$url" "select 2") == 2 ]] || fail "no answer after restart"
echo "postgres fixture OK: server_version_num $version at $url"
