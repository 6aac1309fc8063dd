"""bce_with_logits: its expected outputs recomputed from the statement's formulas in plain Python
(scripts/crosscheck_exports.py), independently of the C++ reference."""
import math

from crosscheck_support import mat, flat, ew, sigmoid


def compute(entry, i):
    Z, Y = mat(i["Z"]), mat(i["Y"])
    n = len(Z)
    terms = [max(z, 0) - z * y + math.log1p(math.exp(-abs(z)))
             for z, y in zip(flat(Z), flat(Y))]
    return {"loss": math.fsum(terms) / n, "dZ": ew(lambda z, y: (sigmoid(z) - y) / n, Z, Y)}
