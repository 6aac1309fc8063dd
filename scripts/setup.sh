#!/usr/bin/env bash
# Installs the Debian packages the grader needs (only those missing), then configures and builds.
# Usage: scripts/setup.sh [build-dir]   (run as root, or with sudo available)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake pkg-config g++ clang lld clang-format git
  libeigen3-dev libseccomp-dev libsqlite3-dev libsqlitecpp-dev libssl-dev
  nlohmann-json3-dev libtomlplusplus-dev libcli11-dev libzip-dev
  libgtest-dev libgmock-dev libbenchmark-dev python3 libboost1.81-dev libcpp-httplib-dev libicu-dev
  openssl chromium postgresql libpqxx-dev
  # clang and lld as libraries, for the compile server (compiler/, docs/compile-pipeline.md)
  libclang-cpp14-dev libclang-14-dev liblld-14-dev llvm-14-dev zlib1g-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

build_dir=${1:-build}
# Older build trees had a grader/ folder where the grader program now goes.
[[ -d "$build_dir/grader" ]] && rm -rf "$build_dir/grader"
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build "$build_dir" -j "$(nproc)"
