"""l2_regularization: its expected outputs recomputed from the statement's formulas in plain Python
(scripts/crosscheck_exports.py), independently of the C++ reference."""
import math

from crosscheck_support import mat, vec, scalar, flat, ew


def compute(entry, i):
    lam = scalar(i["lambda"])
    W1, W2 = mat(i["W1"]), mat(i["W2"])
    sq = math.fsum(v * v for v in flat(W1) + flat(W2))
    return {"loss": scalar(i["data_loss"]) + 0.5 * lam * sq,
            "dW1": ew(lambda g, w: g + lam * w, mat(i["dW1"]), W1),
            "dW2": ew(lambda g, w: g + lam * w, mat(i["dW2"]), W2),
            "db1": vec(i["db1"]), "db2": vec(i["db2"])}
