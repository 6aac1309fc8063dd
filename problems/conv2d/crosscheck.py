"""conv2d: its expected outputs recomputed from the statement's formulas in plain Python
(scripts/crosscheck_exports.py), independently of the C++ reference."""
import math

from crosscheck_support import mat, vec, scalar


def taps(C, H, W, F, kh, kw, s, p):
    # (f, output column, input column, kernel column) for every tap that lands inside the image
    Ho, Wo = (H + 2 * p - kh) // s + 1, (W + 2 * p - kw) // s + 1
    for f in range(F):
        for i in range(Ho):
            for j in range(Wo):
                for c in range(C):
                    for u in range(kh):
                        for v in range(kw):
                            h, w = i * s + u - p, j * s + v - p
                            if 0 <= h < H and 0 <= w < W:
                                yield f, f * Ho * Wo + i * Wo + j, c * H * W + h * W + w, c * kh * kw + u * kw + v


def compute(entry, i):
    X, K = mat(i["X"]), mat(i["K"])
    C, H, W, kh, kw, s = (int(scalar(i[n])) for n in ("C", "H", "W", "kh", "kw", "stride"))
    p = int(scalar(i["pad"])) if "pad" in i else 0
    F = len(K)
    Ho, Wo = (H + 2 * p - kh) // s + 1, (W + 2 * p - kw) // s + 1
    all_taps = list(taps(C, H, W, F, kh, kw, s, p))
    if entry.startswith("conv2d_forward"):
        # Y[n, f, i, j] = b[f] + Σ K[f, c, u, v] X[n, c, i·s + u − p, j·s + v − p]
        b = vec(i["b"])
        Y = []
        for row in X:
            terms = [[b[o // (Ho * Wo)]] for o in range(F * Ho * Wo)]
            for f, out, inp, k in all_taps:
                terms[out].append(K[f][k] * row[inp])
            Y.append([math.fsum(t) for t in terms])
        return {"Y": Y}
    dY = mat(i["dY"])
    dX = [[[] for _ in row] for row in X]
    dK = [[[] for _ in row] for row in K]
    for n, row in enumerate(X):
        for f, out, inp, k in all_taps:
            dX[n][inp].append(K[f][k] * dY[n][out])
            dK[f][k].append(dY[n][out] * row[inp])
    db = [math.fsum(dY[n][o] for n in range(len(X)) for o in range(f * Ho * Wo, (f + 1) * Ho * Wo))
          for f in range(F)]
    total = lambda m: [[math.fsum(t) for t in r] for r in m]
    return {"dX": total(dX), "dK": total(dK), "db": db}
