"""rmsprop_step: its expected outputs recomputed from the statement's formulas in plain Python
(scripts/crosscheck_exports.py), independently of the C++ reference."""
import math

from crosscheck_support import mat, scalar, ew


def compute(entry, i):
    w, out = mat(i["w"]), {}
    lr, rho, eps = scalar(i["lr"]), scalar(i["rho"]), scalar(i["eps"])
    s = ew(lambda x: 0.0, w)
    for t in (1, 2, 3):
        g = mat(i["g%d" % t])
        s = ew(lambda a, b: rho * a + (1 - rho) * b * b, s, g)
        w = ew(lambda x, b, c: x - lr * b / (math.sqrt(c) + eps), w, g, s)
        out["w_step%d" % t], out["s_step%d" % t] = w, s
    return out
