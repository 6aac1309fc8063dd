#!/usr/bin/env bash
# Runs the grading and sandbox benchmarks (issues 6 and 15) and prints each goal's figure beside its
# baseline measured in the same run, with the machine's load (the figures depend on it).
# Usage: bench/run.sh [build-dir]   (BATCH_N=200 by default: submissions per batch)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
cmake --build "$build" -j2 --target grade_bench sandbox_bench grader grader-compiler > /dev/null
out=$(mktemp)
trap 'rm -f "$out"' EXIT
echo "load before: $(uptime)"
"$build/bench/grade_bench" --benchmark_format=json --benchmark_out="$out" --benchmark_out_format=json >&2
python3 - "$out" <<'PY'
import json, os, sys
runs = {b["name"].split("/iterations")[0].replace("/real_time", ""): b for b in json.load(open(sys.argv[1]))["benchmarks"]}
def ms(name): return runs[name]["real_time"] * {"ms": 1, "s": 1000, "us": 1e-3, "ns": 1e-6}[runs[name]["time_unit"]]
cores = os.cpu_count()
plain, grade = ms("Latency/PlainGxxO2"), ms("Latency/GraderGrade")
print(f"latency: grader grade --no-cache {grade:.0f} ms vs plain g++ -O2 -c of the same file {plain:.0f} ms: ratio {grade / plain:.3f} (goal <= 0.15)")
sc = runs["Throughput/Scaling"]
one, two, ind = sc["rate_1_worker"], sc["rate_2_workers"], sc["rate_2_independent"]
cpu1, cpu2 = sc["cpu_s_per_submission_1_worker"], sc["cpu_s_per_submission_2_workers"]
cpu_ind = sc["cpu_s_per_submission_2_independent"]
print(f"throughput: 2 workers {two:.2f}/s = {two / 2:.2f}/s per core ({cores} cores here) (goal >= 2.0/s per core)")
print(f"cpu: {cpu1:.3f} s per fresh submission with 1 worker, {cpu2:.3f} s with 2, {cpu_ind:.3f} s in two independent graders "
      f"(user + system, every process): at most {1 / cpu2:.2f}/s per core")
print(f"scaling ({int(sc['rounds'])} rounds of alternating blocks, {int(sc['block_k'])} submissions per worker per block): "
      f"2 workers {two:.2f}/s vs 1 worker {one:.2f}/s: speedup {two / one:.2f}x "
      f"(rounds {sc['speedup_round_min']:.2f}-{sc['speedup_round_max']:.2f}x) (goal >= 1.8x); "
      f"two independent graders {ind:.2f}/s: {ind / one:.2f}x")
exec_grade = ms("Latency/GraderGradeExecClang")
exec_two = runs["Throughput/BatchExecClang/2"]["submissions_per_s"]
exec_cpu = runs["Throughput/BatchExecClang/2"]["cpu_s_per_submission"]
print(f"compile server vs exec'd clang++ (GRADER_COMPILE_SERVER=off), 2 workers: {two:.2f}/s vs {exec_two:.2f}/s ({two / exec_two:.2f}x), "
      f"{cpu2:.3f} vs {exec_cpu:.3f} s CPU per submission ({cpu2 / exec_cpu:.2f}x); latency {grade:.0f} vs {exec_grade:.0f} ms")
hit = runs["Cache/IdenticalBatch"]["submissions_per_s"]
print(f"cache: {hit:.0f} identical submissions/s (goal >= 200/s)")
PY
# The sandbox goal: the execute box against a bare fork + exec of the same static binary,
# interleaved (its summary only; add --realtime by hand on a loaded machine).
"$build/bench/sandbox_bench" --benchmark_filter='^$' --summary_runs=300 2> /dev/null | grep -E "per run|bare|sandboxed|added over"
echo "load after: $(uptime)"
