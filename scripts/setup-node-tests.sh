#!/usr/bin/env bash
# Installs Node.js and npm from Debian when missing, then the npm packages the service's tests
# use as independent peers (tests/node/package.json, pinned by its package-lock.json).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v node > /dev/null || ! command -v npm > /dev/null; then
  echo "setup: installing nodejs npm"
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends nodejs npm
fi
# npm ci installs exactly the lockfile's versions (a fresh node_modules, in a second or two).
npm ci --prefix tests/node --no-audit --no-fund --loglevel=error
