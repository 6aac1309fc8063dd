#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for tests and benchmarks (docs/scale-out.md).
#
# Usage: scripts/pg-test-server.sh start DIR [--durable]   fresh cluster; URL to DIR/url and stdout
#        scripts/pg-test-server.sh stop DIR                 stop it and delete its files
#        scripts/pg-test-server.sh restart DIR              stop (fast: clients are cut off) and start
#        scripts/pg-test-server.sh url DIR                  print the URL start DIR would give
#
# Theory of operation. PostgreSQL refuses to run as root, and tests run as root in CI, so a root
# caller runs initdb and pg_ctl as the unprivileged `postgres` user (the Debian package creates it);
# anyone else runs them as themselves. DIR may lie under a path that user cannot traverse (and a
# Unix socket path must stay under 108 bytes), so the cluster itself lives in
# /tmp/grader-pg-<hash of DIR>: data/ (mode 0700, as initdb wants) and the socket beside it, owned
# by the cluster user; DIR only holds `url` and `cluster` (the path of that folder). The server
# listens on that socket only, never on TCP, so two runs with different DIRs cannot collide; the
# port, also derived from the hash, only names the socket file. The same DIR always maps to the
# same folder and URL, so a build can know the URL at configure time, and `start` first stops and
# deletes whatever an earlier, killed run left there. Clients connect as role `grader` (owner of
# database `grader`, allowed to create databases for per-test isolation) with trust
# authentication: reachable only through the 0700 socket folder, i.e. by root or the cluster user.
# Without --durable fsync is off: tests need speed, not crash safety.
set -euo pipefail

die() { echo "pg-test-server: $*" >&2; exit 1; }

pg_bin=${PG_BIN:-/usr/lib/postgresql/15/bin}
[[ $# -ge 2 ]] || die "usage: $0 start|stop|restart|url DIR [--durable]"
command=$1
dir=$(realpath -m -- "$2")
durable=false
[[ ${3:-} == --durable ]] && durable=true

hash=$(printf '%s' "$dir" | sha1sum | cut -c1-10)
cluster=/tmp/grader-pg-$hash
data=$cluster/data
port=$((40000 + 16#${hash:0:4} % 20000))
url="postgresql:///grader?host=$cluster&port=$port&user=grader"

# run_as_cluster_user CMD...: runs CMD as the user that owns the cluster, from a folder it can read.
run_as_cluster_user() {
  if [[ $(id -u) -eq 0 ]]; then
    (cd / && runuser -u postgres -- "$@")
  else
    (cd / && "$@")
  fi
}

show_log() {
  [[ -f $cluster/server.log ]] && { echo "--- $cluster/server.log (end) ---" >&2; tail -n 30 "$cluster/server.log" >&2; }
  return 0
}

stop_cluster() {
  if [[ -f $data/postmaster.pid ]]; then
    run_as_cluster_user "$pg_bin/pg_ctl" -D "$data" -m fast -w -t 30 stop > /dev/null 2>&1 ||
      run_as_cluster_user "$pg_bin/pg_ctl" -D "$data" -m immediate -w -t 30 stop > /dev/null 2>&1 ||
      true
  fi
  # pg_ctl could not stop it: kill the postmaster named in the pid file, if that pid is still a
  # postgres serving this data folder (after a reboot the number may belong to anything).
  if [[ -f $data/postmaster.pid ]]; then
    local pid
    pid=$(head -n 1 "$data/postmaster.pid")
    if [[ $pid =~ ^[0-9]+$ && -r /proc/$pid/cmdline ]] && tr '\0' ' ' < "/proc/$pid/cmdline" 2> /dev/null | grep -qF -- "-D $data"; then
      kill -KILL "$pid"
    fi
  fi
}

remove_cluster() {
  [[ -e $cluster ]] || return 0
  rm -rf -- "$cluster" || die "cannot remove $cluster (left by another user?)"
}

start_server() {
  run_as_cluster_user "$pg_bin/pg_ctl" -D "$data" -l "$cluster/server.log" -w -t 60 start > /dev/null ||
    { show_log; die "PostgreSQL did not start (cluster in $cluster)"; }
}

# psql_admin SQL...: runs SQL as the cluster's superuser over the socket.
psql_admin() {
  run_as_cluster_user "$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$cluster" -p "$port" \
    -U "$superuser" -d postgres "$@"
}

case $command in
  url)
    echo "$url"
    ;;
  start)
    [[ -x $pg_bin/initdb ]] || die "no PostgreSQL server in $pg_bin (install the postgresql package)"
    if [[ $(id -u) -eq 0 ]]; then
      id postgres > /dev/null 2>&1 || die "running as root needs the unprivileged user 'postgres'"
      superuser=postgres
    else
      superuser=$(id -un)
    fi
    stop_cluster
    remove_cluster
    rm -f -- "$dir/url" "$dir/cluster"
    mkdir -p -- "$dir"
    mkdir -m 0700 -- "$cluster"
    [[ $(id -u) -eq 0 ]] && chown postgres: "$cluster"
    run_as_cluster_user "$pg_bin/initdb" -D "$data" -U "$superuser" --auth=trust --no-sync \
      --encoding=UTF8 --locale=C.UTF-8 > "$cluster/initdb.log" 2>&1 ||
      { cat "$cluster/initdb.log" >&2; die "initdb failed"; }
    fsync=off
    $durable && fsync=on
    cat >> "$data/postgresql.conf" << EOF
# pg-test-server.sh: Unix socket only, in the cluster folder.
listen_addresses = ''
port = $port
unix_socket_directories = '$cluster'
unix_socket_permissions = 0700
fsync = $fsync
synchronous_commit = $fsync
full_page_writes = $fsync
max_connections = 200
EOF
    start_server
    psql_admin -c "CREATE ROLE grader LOGIN CREATEDB" -c "CREATE DATABASE grader OWNER grader" ||
      { show_log; die "cannot create role and database grader"; }
    echo "$cluster" > "$dir/cluster"
    echo "$url" > "$dir/url"
    echo "$url"
    ;;
  stop)
    stop_cluster
    remove_cluster
    rm -f -- "$dir/url" "$dir/cluster"
    ;;
  restart)
    [[ -f $data/PG_VERSION ]] || die "no cluster for $dir (run start first)"
    run_as_cluster_user "$pg_bin/pg_ctl" -D "$data" -m fast -w -t 60 stop > /dev/null ||
      { show_log; die "PostgreSQL did not stop"; }
    start_server
    ;;
  *)
    die "unknown command '$command' (start, stop, restart or url)"
    ;;
esac
