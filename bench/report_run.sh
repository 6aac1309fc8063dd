#!/usr/bin/env bash
# Runs the issue-12 benchmarks and prints their times and ratios against the baseline of the
# same run (a plain SELECT of every row). Usage: bench/report_run.sh [build-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
cmake --build "$build" -j2 --target report_bench > /dev/null
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$build/bench/report_bench" --benchmark_format=json --benchmark_out="$out" \
  --benchmark_out_format=json >&2
python3 - "$out" <<'PY'
import json, sys
runs = {b["name"].split("/iterations")[0].replace("/real_time", ""): b for b in json.load(open(sys.argv[1]))["benchmarks"]}
def ms(name): return runs[name]["real_time"] * {"ms": 1, "s": 1000, "us": 1e-3, "ns": 1e-6}[runs[name]["time_unit"]]
base, report, cluster = ms("Baseline/SelectAll"), ms("Report/Generate"), ms("Similarity/Cluster300")
rows = int(runs["Baseline/SelectAll"]["rows"])
print(f"baseline: SELECT of all {rows} rows {base:.0f} ms")
print(f"report: 300 learners x 21 problems x 5 attempts {report:.0f} ms, {report / base:.1f}x the baseline (goal <= 3000 ms)")
print(f"similarity: 300 submissions {cluster:.0f} ms, {cluster / base:.2f}x the baseline (goal <= 2000 ms)")
PY
