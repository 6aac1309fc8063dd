#!/usr/bin/env bash
# Install what is missing, build, and run every test (ctest, in parallel).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-node-tests.sh
scripts/setup.sh build
# The end-to-end tests share one harness cache; start each run from a clean one.
rm -rf build/test-cache
ctest --test-dir build --output-on-failure -j "$(nproc)" --timeout 900
