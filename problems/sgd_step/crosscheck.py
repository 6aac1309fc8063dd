"""sgd_step: its expected outputs recomputed from the statement's formulas in plain Python
(scripts/crosscheck_exports.py), independently of the C++ reference."""
from crosscheck_support import mat, scalar, ew


def compute(entry, i):
    w, lr, out = mat(i["w"]), scalar(i["lr"]), {}
    for t in (1, 2, 3):
        w = ew(lambda x, g: x - lr * g, w, mat(i["g%d" % t]))
        out["w_step%d" % t] = w
    return out
