#!/usr/bin/env bash
# Runs the issue-6 benchmarks and prints ratios against the baselines of the same run.
# Usage: bench/run.sh [build-dir]   (BATCH_N=200 by default: submissions per batch)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
cmake --build "$build" -j2 --target grade_bench grader > /dev/null
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$build/bench/grade_bench" --benchmark_format=json --benchmark_out="$out" --benchmark_out_format=json >&2
python3 - "$out" <<'PY'
import json, os, sys
runs = {b["name"].split("/iterations")[0].replace("/real_time", ""): b for b in json.load(open(sys.argv[1]))["benchmarks"]}
def ms(name): return runs[name]["real_time"] * {"ms": 1, "s": 1000, "us": 1e-3, "ns": 1e-6}[runs[name]["time_unit"]]
cores = os.cpu_count()
plain, grade = ms("Latency/PlainGxxO2"), ms("Latency/GraderGrade")
print(f"latency: grader grade {grade:.0f} ms, plain g++ -O2 -c {plain:.0f} ms, ratio {grade / plain:.3f} (goal <= 0.25)")
one = runs["Throughput/Batch/1"]["submissions_per_s"]
two = runs["Throughput/Batch/2"]["submissions_per_s"]
print(f"throughput: 1 worker {one:.2f}/s, 2 workers {two:.2f}/s ({two / 2:.2f}/s/core on {cores} cores), speedup {two / one:.2f}x (goals >= 1.5/s/core, >= 1.8x)")
hit = runs["Cache/IdenticalBatch"]["submissions_per_s"]
print(f"cache: {hit:.0f} identical submissions/s (goal >= 200/s)")
PY
