"""mse_loss: its expected outputs recomputed from the statement's formulas in plain Python
(scripts/crosscheck_exports.py), independently of the C++ reference."""
import math

from crosscheck_support import mat, flat, ew


def compute(entry, i):
    Yh, Y = mat(i["Yhat"]), mat(i["Y"])
    n = len(Yh)
    diff = ew(lambda a, b: a - b, Yh, Y)
    return {"loss": math.fsum(d * d for d in flat(diff)) / (2 * n),
            "dYhat": ew(lambda d: d / n, diff)}
