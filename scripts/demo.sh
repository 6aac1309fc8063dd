#!/usr/bin/env bash
# The main job, end to end: install what is missing, build, and grade two sample submissions of
# linear_backward — a correct one and one that averages over the batch twice.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build
echo
echo "== a correct submission =="
build/grader grade --problem linear_backward --learner sample problems/linear_backward/solution.cpp
echo
echo "== a wrong submission =="
build/grader grade --problem linear_backward --learner sample \
  problems/linear_backward/mistakes/averaged_over_batch.cpp
