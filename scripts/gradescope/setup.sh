#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image (docs/gradescope.md).
# It installs the grader's build dependencies and builds the grader from the kit's source/.
set -euo pipefail
root=${AUTOGRADER_ROOT:-/autograder}
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
packages=(build-essential cmake pkg-config g++ clang lld python3 libeigen3-dev libseccomp-dev
  libsqlite3-dev libsqlitecpp-dev libssl-dev nlohmann-json3-dev libtomlplusplus-dev libcli11-dev
  libzip-dev libcpp-httplib-dev libicu-dev)
# Boost.Process v2 needs Boost >= 1.80: Debian 12 names it libboost1.81-dev, newer releases
# (Ubuntu 24.04) ship it as libboost-dev.
if apt-cache show libboost1.81-dev > /dev/null 2>&1; then
  packages+=(libboost1.81-dev)
else
  packages+=(libboost-dev)
fi
apt-get install -y -qq --no-install-recommends "${packages[@]}"
cmake -S "$root/source" -B "$root/source/build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF
cmake --build "$root/source/build" -j "$(nproc)" --target grader packs
chmod 700 "$root/source/data"
chmod 600 "$root/source/data/secret.key"
