#!/usr/bin/env python3
"""The class of the report tests (docs/report.md): 40 learners over relu, sigmoid and tanh,
graded once through the real engine by `grader batch` (three rounds of attempts, each a batch
run) plus two learners with hostile names graded by `grader grade`. Identical sources hit the
result cache, so only about twenty distinct files compile.

    report_class.py setup GRADER BUILD_DIR    (the ctest fixture: BUILD_DIR/report-class/data)

The plan is data, shared with report_browser_test.py, which derives the expected figures from
it independently of the grader's report code.
"""
import pathlib
import re
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
PROBLEMS = ["relu", "sigmoid", "tanh"]
LEARNERS = [f"learner{k:02d}" for k in range(1, 41)]
HOSTILE = ["<script>alert(1)</script>", "=cmd|' /C calc'!A0"]
ROUNDS = 3


def class_dir(build):
    return pathlib.Path(build) / "report-class"


def sources(problem):
    """Name -> source text of the files the class submits for `problem`."""
    folder = ROOT / "problems" / problem
    mistakes = sorted((folder / "mistakes").glob("*.cpp"))
    solution = (folder / "solution.cpp").read_text()
    out = {"solution": solution, "compile_error": "this is not C++ {\n"}
    for name, path in zip("ABC", mistakes):
        out[name] = path.read_text()
    # The same code as mistake A, with other comments and layout: identical once normalised.
    out["A_reformatted"] = "// my own work, honest\n" + re.sub(r"\n", "\n\n  ", out["A"])
    # The solution with every name changed and literals rewritten: similarity 1.0, not identical.
    renamed = solution
    for old, new in [("Z", "zin"), ("dA", "grad_out"), ("A", "act"), ("i", "row"), ("j", "col")]:
        renamed = re.sub(rf"\b{old}\b", new, renamed)
    out["solution_renamed"] = renamed.replace("= 0;", "= 0.0;")
    return out


def plan(problem):
    """Learner -> the source names of their attempts, oldest first."""
    out = {}
    for k, learner in enumerate(LEARNERS, 1):
        kind = k % 4
        if kind == 0:
            attempts = ["solution"]
        elif kind == 1:
            attempts = ["A", "solution"]
        elif kind == 2:
            attempts = ["B", "C", "solution"]
        else:  # stuck: three attempts, none with full marks
            attempts = ["A", "B", "compile_error"]
        out[learner] = attempts
    if problem == "relu":
        out["learner05"] = ["A_reformatted"]
        out["learner10"] = ["B", "C", "solution_renamed"]
        out["learner38"] = ["starter"]
        out["learner39"] = ["starter"]
    return out


def hostile_plan():
    """Learner -> attempts on relu, graded with `grader grade`."""
    return {HOSTILE[0]: ["A"], HOSTILE[1]: ["A"]}


def setup(grader, build):
    root = class_dir(build)
    shutil.rmtree(root, ignore_errors=True)
    data = root / "data"
    env_args = [grader, "--data-dir", str(data)]
    for problem in PROBLEMS:
        texts = sources(problem)
        texts["starter"] = subprocess.run(env_args + ["problems", "starter", problem],
                                          check=True, capture_output=True, text=True).stdout
        attempts = plan(problem)
        for round_index in range(ROUNDS):
            folder = root / "src" / problem / f"round{round_index + 1}"
            folder.mkdir(parents=True)
            for learner, names in attempts.items():
                if round_index < len(names):
                    (folder / f"{learner}.cpp").write_text(texts[names[round_index]])
            run = subprocess.run(env_args + ["batch", "--problem", problem, "--jobs", "2",
                                             str(folder)], capture_output=True, text=True)
            if run.returncode != 0:
                sys.exit(f"batch {folder} failed ({run.returncode}):\n{run.stdout}\n{run.stderr}")
    texts = sources("relu")
    for learner, names in hostile_plan().items():
        for name in names:
            path = root / "src" / "hostile.cpp"
            path.write_text(texts[name])
            run = subprocess.run(env_args + ["grade", "--problem", "relu", "--learner", learner,
                                             str(path)], capture_output=True, text=True)
            if run.returncode != 0:
                sys.exit(f"grade for {learner!r} failed ({run.returncode}):\n{run.stderr}")
    print(f"report class ready in {data}")


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] != "setup":
        sys.exit(__doc__)
    setup(sys.argv[2], sys.argv[3])
