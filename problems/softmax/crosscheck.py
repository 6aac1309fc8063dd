"""softmax: its expected outputs recomputed from the statement's formulas in plain Python
(scripts/crosscheck_exports.py), independently of the C++ reference."""
import math

from crosscheck_support import mat, log_softmax_row


def compute(entry, i):
    return {"P": [[math.exp(v) for v in log_softmax_row(r)] for r in mat(i["Z"])]}
