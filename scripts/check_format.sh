#!/usr/bin/env bash
# Fails when a C++ file of ours is not formatted as .clang-format says (ctest format_check).
# Learner-style files (problems/*/*.cpp, tests/security/*.cpp) keep the form a learner would write.
# Usage: scripts/check_format.sh [--fix]
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.cc' '*.h')
if [[ ${1:-} == --fix ]]; then
  clang-format -i "${files[@]}"
  exit 0
fi
if ! clang-format --dry-run -Werror "${files[@]}" 2> /tmp/check_format.$$; then
  grep 'error:' /tmp/check_format.$$ | cut -d: -f1,2 | sort -u | head -20
  echo "check_format: $(grep -c 'error:' /tmp/check_format.$$) line(s) differ from .clang-format;" \
       "run scripts/check_format.sh --fix"
  rm -f /tmp/check_format.$$
  exit 1
fi
rm -f /tmp/check_format.$$
echo "check_format: ${#files[@]} files formatted"
