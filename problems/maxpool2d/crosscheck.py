"""maxpool2d: its expected outputs recomputed from the statement's formulas in plain Python
(scripts/crosscheck_exports.py), independently of the C++ reference."""
from crosscheck_support import mat, scalar


def windows(C, H, W, k, s):
    # (output column, [input columns of the window in row-major order]), channels-first
    Ho, Wo = (H - k) // s + 1, (W - k) // s + 1
    for c in range(C):
        for i in range(Ho):
            for j in range(Wo):
                cols = [c * H * W + (i * s + dh) * W + (j * s + dw)
                        for dh in range(k) for dw in range(k)]
                yield c * Ho * Wo + i * Wo + j, cols


def compute(entry, i):
    X = mat(i["X"])
    C, H, W, k, s = (int(scalar(i[n])) for n in ("C", "H", "W", "k", "stride"))
    wins = list(windows(C, H, W, k, s))
    if entry == "maxpool2d_forward":
        Y = [[0.0] * len(wins) for _ in X]
        for n, row in enumerate(X):
            for out, cols in wins:
                Y[n][out] = max(row[c] for c in cols)
        return {"Y": Y}
    dY = mat(i["dY"])
    dX = [[0.0] * len(row) for row in X]
    for n, row in enumerate(X):
        for out, cols in wins:
            m = max(row[c] for c in cols)
            first = next(c for c in cols if row[c] == m)  # the first maximum in row-major order
            dX[n][first] += dY[n][out]
    return {"dX": dX}
