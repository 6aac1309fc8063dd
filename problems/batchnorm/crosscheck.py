"""batchnorm: its expected outputs recomputed from the statement's formulas in plain Python
(scripts/crosscheck_exports.py), independently of the C++ reference."""
import math

from crosscheck_support import mat, vec, scalar, transpose, normalize_rows, norm_backward_rows


def compute(entry, i):
    X, gamma, eps = mat(i["X"]), vec(i["gamma"]), scalar(i["eps"])
    if entry == "batchnorm_eval":
        rm, rv, beta = vec(i["running_mean"]), vec(i["running_var"]), vec(i["beta"])
        return {"Y": [[g * (x - m) / math.sqrt(v + eps) + b
                       for x, g, b, m, v in zip(row, gamma, beta, rm, rv)] for row in X]}
    xhat_t, var = normalize_rows(transpose(X), eps)  # per feature
    if entry == "batchnorm_train":
        n, mom = len(X), scalar(i["momentum"])
        beta = vec(i["beta"])
        means = [math.fsum(c) / n for c in transpose(X)]
        return {"Y": [[g * h + b for h, g, b in zip(row, gamma, beta)]
                      for row in transpose(xhat_t)],
                "running_mean": [(1 - mom) * r + mom * m
                                 for r, m in zip(vec(i["running_mean"]), means)],
                "running_var": [(1 - mom) * r + mom * v * n / (n - 1)
                                for r, v in zip(vec(i["running_var"]), var)]}
    dY_t = transpose(mat(i["dY"]))
    dxhat_t = [[d * g for d in col] for col, g in zip(dY_t, gamma)]
    return {"dX": transpose(norm_backward_rows(dxhat_t, xhat_t, var, eps)),
            "dgamma": [math.fsum(a * b for a, b in zip(c, h)) for c, h in zip(dY_t, xhat_t)],
            "dbeta": [math.fsum(c) for c in dY_t]}
