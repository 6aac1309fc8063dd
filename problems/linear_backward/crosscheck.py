"""linear_backward: its expected outputs recomputed from the statement's formulas in plain Python
(scripts/crosscheck_exports.py), independently of the C++ reference."""
import math

from crosscheck_support import mat, transpose, matmul


def compute(entry, i):
    # dX = dY Wᵀ, dW = Xᵀ dY, db = Σ_rows dY
    X, W, dY = mat(i["X"]), mat(i["W"]), mat(i["dY"])
    return {"dX": matmul(dY, transpose(W)), "dW": matmul(transpose(X), dY),
            "db": [math.fsum(col) for col in transpose(dY)]}
