"""linear_forward: its expected outputs recomputed from the statement's formulas in plain Python
(scripts/crosscheck_exports.py), independently of the C++ reference."""
from crosscheck_support import mat, vec, matmul


def compute(entry, i):
    # Y = X W + 1 bᵀ
    b = vec(i["b"])
    return {"Y": [[y + c for y, c in zip(row, b)] for row in matmul(mat(i["X"]), mat(i["W"]))]}
