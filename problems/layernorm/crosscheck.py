"""layernorm: its expected outputs recomputed from the statement's formulas in plain Python
(scripts/crosscheck_exports.py), independently of the C++ reference."""
import math

from crosscheck_support import mat, vec, scalar, ew, transpose, normalize_rows, norm_backward_rows


def compute(entry, i):
    X, gamma, eps = mat(i["X"]), vec(i["gamma"]), scalar(i["eps"])
    xhat, var = normalize_rows(X, eps)
    if entry == "layernorm_forward":
        beta = vec(i["beta"])
        return {"Y": [[g * h + b for h, g, b in zip(row, gamma, beta)] for row in xhat]}
    dY = mat(i["dY"])
    dxhat = [[d * g for d, g in zip(row, gamma)] for row in dY]
    return {"dX": norm_backward_rows(dxhat, xhat, var, eps),
            "dgamma": [math.fsum(c) for c in transpose(ew(lambda a, b: a * b, dY, xhat))],
            "dbeta": [math.fsum(c) for c in transpose(dY)]}
