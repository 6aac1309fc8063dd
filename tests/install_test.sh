#!/usr/bin/env bash
# The installed grader needs no source tree: install into a temporary prefix, hide the checkout
# (and the build tree inside it) behind an empty read-only tmpfs in a private mount namespace,
# and grade a correct and a wrong submission from an empty working directory.
# Usage: tests/install_test.sh BUILD_DIR SOURCE_DIR   (as root: it mounts)
set -euo pipefail
build=$(realpath "$1") source=$(realpath "$2")
work=$(mktemp -d /tmp/dlgrader-install-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" > /dev/null
cp "$source/problems/relu/solution.cpp" "$work/right.cpp"
cp "$source/problems/relu/mistakes/forward_abs.cpp" "$work/wrong.cpp"
cp "$source/problems/sigmoid/mistakes/naive_exp_overflow.cpp" "$work/pack_wrong.cpp"
mkdir "$work/empty"

unshare --mount sh -eu -c '
  source=$1 work=$2
  mount -t tmpfs -o ro,size=1m none "$source"
  if [ -e "$source/problems" ]; then echo "the source tree is still visible"; exit 1; fi
  cd "$work/empty"
  unset GRADER_CACHE GRADER_PROBLEMS GRADER_DATA
  grader="$work/prefix/bin/grader --data-dir $work/data"
  $grader problems list | grep -q "^relu "
  $grader grade --problem relu --json ../right.cpp > ../right.json 2> ../right.err
  # The installed compile server, not a fallback to exec'"'"'d clang++.
  if grep -q "compile server" ../right.err; then cat ../right.err; exit 1; fi
  test -x "$work/prefix/lib/dlgrader/grader-compiler"
  $grader grade --problem relu --json ../wrong.cpp > ../wrong.json
  $grader grade --problem sigmoid --json ../pack_wrong.cpp > ../pack_wrong.json
' sh "$source" "$work"

python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
right = json.load(open(f"{work}/right.json"))
wrong = json.load(open(f"{work}/wrong.json"))
assert right["score"] == right["max_score"] > 0, f"solution: {right['score']}/{right['max_score']}"
assert wrong["score"] < wrong["max_score"], f"mistake: {wrong['score']}/{wrong['max_score']}"
named = {(t.get("diagnosis") or {}).get("misconception") for t in wrong["tests"]}
assert "forward_abs" in named, f"mistake diagnosed as {named}"
# sigmoid is a pack: its reference and mutants come from the prebuilt library under prefix/lib.
pack = json.load(open(f"{work}/pack_wrong.json"))
named = {(t.get("diagnosis") or {}).get("misconception") for t in pack["tests"]}
assert "naive_exp_overflow" in named, f"pack mistake diagnosed as {named}"
print(f"installed grader: solution {right['score']}/{right['max_score']}, "
      f"mistake {wrong['score']}/{wrong['max_score']} diagnosed as forward_abs")
PY
