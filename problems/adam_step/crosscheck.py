"""adam_step: its expected outputs recomputed from the statement's formulas in plain Python
(scripts/crosscheck_exports.py), independently of the C++ reference."""
from crosscheck_support import adam_sequence


def compute(entry, i):
    return adam_sequence(i, decay=False)
