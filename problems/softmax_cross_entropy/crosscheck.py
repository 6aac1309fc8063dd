"""softmax_cross_entropy: its expected outputs recomputed from the statement's formulas in plain Python
(scripts/crosscheck_exports.py), independently of the C++ reference."""
import math

from crosscheck_support import mat, vec, log_softmax_row


def compute(entry, i):
    Z, y = mat(i["Z"]), [int(v) for v in vec(i["y"])]
    n = len(Z)
    logp = [log_softmax_row(r) for r in Z]
    dZ = [[(math.exp(v) - (1.0 if j == y[r] else 0.0)) / n for j, v in enumerate(row)]
          for r, row in enumerate(logp)]
    return {"loss": -math.fsum(logp[r][y[r]] for r in range(n)) / n, "dZ": dZ}
