#!/usr/bin/env python3
"""Fails when an #include points against the direction of the layers (docs/architecture.md).

    commands (grader/cli) -> service, reports -> engine (grader) -> sandbox / reference / problems / db -> base
                                                         \\-> compiler (the compile server) -> sandbox
                                                         \\-> harness (learner side) -> base

harness/ is everything compiled into the learner's program: it is as untrusted as the learner's
code, so it includes nothing trusted (no engine, no reference, no database, no secrets), only the
standard library, Eigen and base/status.h. problems/ holds the learner-facing API headers and the
adapters, which are compiled into the learner's program too, so they see only harness/. The one
exception is a pack's trusted code, problems/<id>/reference.cc (compiled by the engine into the
grader's process, never into the learner's program): it may also include the pack support
headers in reference/.

Usage: scripts/check_layering.py   (from anywhere; exit 1 and one line per violation)
"""
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent

# folder -> the top-level folders its quoted includes may name (itself included).
ALLOWED = {
    "base": {"base"},
    "harness": {"harness", "base"},
    "sandbox": {"sandbox", "base"},
    "db": {"db", "base"},
    # The compile server and the grader's side of it: over the sandbox only (no engine state).
    "compiler": {"compiler", "sandbox", "base"},
    "problems": {"problems", "harness"},
    "reference": {"reference", "problems", "harness", "base"},
    "grader": {"grader", "compiler", "reference", "problems", "harness", "sandbox", "db", "base"},
    "service": {"service", "grader", "compiler", "reference", "problems", "harness", "sandbox", "db",
                "base"},
    # Instructor reports: over the engine's specs and skills and the store (docs/report.md).
    "reports": {"reports", "grader", "db", "base"},
}
# Libraries that hold or touch trusted state: never in the learner's program.
TRUSTED_LIBRARIES = re.compile(r"^(sqlite|SQLiteCpp|openssl|seccomp|nlohmann|toml|boost|zip|CLI)")
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
SOURCE_SUFFIXES = {".h", ".cc", ".cpp"}


def tracked_sources():
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, check=True, capture_output=True,
                            text=True).stdout.split()
    return [ROOT / name for name in listed if pathlib.Path(name).suffix in SOURCE_SUFFIXES]


def violations(path):
    relative = path.relative_to(ROOT)
    layer = relative.parts[0]
    if layer not in ALLOWED:
        return  # tests/, bench/: may use anything
    allowed = ALLOWED[layer]
    if layer == "grader" and relative.parts[1] == "cli":
        allowed = allowed | {"service"}  # `grader serve` is a command over service/
    if layer == "problems" and relative.name == "reference.cc":
        allowed = allowed | {"reference"}  # a pack's trusted code
    if relative.parts[:2] == ("grader", "cli"):
        allowed = allowed | {"service", "reports"}  # the commands sit above both
    for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
        match = INCLUDE.match(line)
        if not match:
            continue
        kind, target = match.groups()
        where = f"{relative}:{number}"
        if kind == '"':
            top = target.split("/", 1)[0]
            if "/" in target and top not in allowed:
                yield f"{where}: {layer}/ must not include {target}"
            if layer != "grader" or relative.parts[1] != "cli":
                if target.startswith("grader/cli/"):
                    yield f"{where}: only commands (grader/cli/) may include {target}"
        elif layer in ("harness", "problems") and TRUSTED_LIBRARIES.match(target):
            yield f"{where}: learner-side code must not include <{target}>"


def main():
    found = [v for path in tracked_sources() for v in violations(path)]
    for line in found:
        print(line)
    if found:
        print(f"check_layering: {len(found)} include(s) against the layers")
        return 1
    print("check_layering: every include follows the layers")
    return 0


if __name__ == "__main__":
    sys.exit(main())
