"""rope: its expected outputs recomputed from the statement's formulas in plain Python
(scripts/crosscheck_exports.py), independently of the C++ reference."""
import cmath

from crosscheck_support import mat


def rotate(X, sign):
    # (X[t, 2i] + i X[t, 2i+1]) · exp(i · sign · t · 10000^(−2i/D)), adjacent pairs
    D = len(X[0])
    out = []
    for t, row in enumerate(X):
        new = []
        for i in range(D // 2):
            z = complex(row[2 * i], row[2 * i + 1]) * cmath.exp(1j * sign * t * 10000.0 ** (-2.0 * i / D))
            new += [z.real, z.imag]
        out.append(new)
    return out


def compute(entry, i):
    if entry == "rope_forward":
        return {"Y": rotate(mat(i["X"]), 1.0)}
    return {"dX": rotate(mat(i["dY"]), -1.0)}  # dX = Rᵀ dY
