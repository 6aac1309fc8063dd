#!/usr/bin/env python3
"""Independent check of the references: exports every visible test of every problem the grader
lists with `grader problems export` and recomputes the expected outputs in plain Python, to 1e-10
relative error. Each problem carries its formulas in its own folder, problems/<id>/crosscheck.py
(a function compute(entry, inputs) -> {output: values}, written from the statement, math module
only, never from the C++); a problem without one fails, loudly.

Usage: crosscheck_exports.py GRADER_BINARY [--problems DIR] [PROBLEM_ID ...]
Exit status 0 when every output agrees, 1 otherwise (each disagreement is printed).
"""
import importlib.util
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from crosscheck_support import flat  # noqa: E402

TOLERANCE = 1e-10
FLOOR = 1e-12
DEFAULT_PROBLEMS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "problems")


def load_formulas(problems_dir, problem):
    """The problem's compute(entry, inputs), or None when it has no crosscheck.py."""
    path = os.path.join(problems_dir, problem, "crosscheck.py")
    if not os.path.exists(path):
        return None
    spec = importlib.util.spec_from_file_location("crosscheck_" + problem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.compute


def all_problems(grader, problems_dir, tmp):
    """Every problem the grader knows: a new problem without formulas fails, loudly."""
    listed = subprocess.run([grader, "--data-dir", os.path.join(tmp, "data"), "--problems",
                             problems_dir, "problems", "list", "--json"],
                            check=True, capture_output=True, text=True).stdout
    return [p["id"] for p in json.loads(listed)]


def main():
    args = sys.argv[1:]
    grader = args.pop(0)
    problems_dir = DEFAULT_PROBLEMS
    if args[:1] == ["--problems"]:
        problems_dir = args[1]
        args = args[2:]
    failures = checked = 0
    with tempfile.TemporaryDirectory() as tmp:
        for problem in args or all_problems(grader, problems_dir, tmp):
            compute = load_formulas(problems_dir, problem)
            if compute is None:
                failures += 1
                print("%s: no independent formulas: add problems/%s/crosscheck.py"
                      % (problem, problem))
                continue
            out_dir = os.path.join(tmp, problem)
            subprocess.run([grader, "--data-dir", os.path.join(tmp, "data"), "--problems",
                            problems_dir, "problems", "export", problem, "--out", out_dir],
                           check=True, stdout=subprocess.DEVNULL)
            for name in sorted(os.listdir(out_dir)):
                with open(os.path.join(out_dir, name)) as f:
                    test = json.load(f)
                mine = compute(test["entry"], test["inputs"])
                for output, expected in test["expected"].items():
                    got, want = flat(mine[output]), expected["data"]
                    worst = max((abs(a - b) / max(abs(a) + abs(b), FLOOR)
                                 for a, b in zip(got, want)), default=0.0)
                    checked += 1
                    if len(got) != len(want) or worst > TOLERANCE:
                        failures += 1
                        print("%s/%s %s: %d vs %d values, max relative error %.3g"
                              % (problem, name, output, len(got), len(want), worst))
    print("crosscheck: %d outputs checked, %d disagree" % (checked, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
