"""momentum_step: its expected outputs recomputed from the statement's formulas in plain Python
(scripts/crosscheck_exports.py), independently of the C++ reference."""
from crosscheck_support import mat, scalar, ew


def compute(entry, i):
    w, lr, mu, out = mat(i["w"]), scalar(i["lr"]), scalar(i["mu"]), {}
    v = ew(lambda x: 0.0, w)
    for t in (1, 2, 3):
        v = ew(lambda a, g: mu * a - lr * g, v, mat(i["g%d" % t]))
        w = ew(lambda x, a: x + a, w, v)
        out["w_step%d" % t] = w
    return out
