#!/usr/bin/env python3
"""Independent check of the references: exports every visible test of every problem the grader
lists (a problem without a formula here fails) with `grader problems export` and recomputes the expected outputs in plain Python (math module
only, written from the statements' formulas, not from the C++), to 1e-10 relative error.

Usage: crosscheck_exports.py GRADER_BINARY [PROBLEM_ID ...]
Exit status 0 when every output agrees, 1 otherwise (each disagreement is printed).
"""
import json
import math
import os
import subprocess
import sys
import tempfile

TOLERANCE = 1e-10
FLOOR = 1e-12


def mat(t):
    rows, cols = t["shape"]
    d = t["data"]
    return [d[r * cols:(r + 1) * cols] for r in range(rows)]


def vec(t):
    return list(t["data"])


def scalar(t):
    return t["data"][0]


def flat(x):
    if isinstance(x, (int, float)):
        return [float(x)]
    if x and isinstance(x[0], list):
        return [v for row in x for v in row]
    return list(x)


def ew(f, *ms):  # element-wise over equal-shaped matrices
    return [[f(*vals) for vals in zip(*rows)] for rows in zip(*ms)]


def sigmoid(z):
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


GELU_C = math.sqrt(2.0 / math.pi)
GELU_K = 0.044715


def gelu(x):
    return 0.5 * x * (1.0 + math.tanh(GELU_C * (x + GELU_K * x ** 3)))


def gelu_grad(x):
    t = math.tanh(GELU_C * (x + GELU_K * x ** 3))
    return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * GELU_C * (1 + 3 * GELU_K * x * x)


def log_softmax_row(z):
    m = max(z)
    lse = math.log(math.fsum(math.exp(v - m) for v in z))
    return [v - m - lse for v in z]


def transpose(m):
    return [list(c) for c in zip(*m)]


def normalize_rows(X, eps):
    out, var = [], []
    for row in X:
        mu = math.fsum(row) / len(row)
        v = math.fsum((x - mu) ** 2 for x in row) / len(row)
        out.append([(x - mu) / math.sqrt(v + eps) for x in row])
        var.append(v)
    return out, var


def norm_backward_rows(dxhat, xhat, var, eps):
    out = []
    for g, h, v in zip(dxhat, xhat, var):
        k = len(g)
        s1, s2 = math.fsum(g), math.fsum(a * b for a, b in zip(g, h))
        out.append([(k * a - s1 - b * s2) / (k * math.sqrt(v + eps)) for a, b in zip(g, h)])
    return out


def adam_sequence(i, decay):
    w = mat(i["w"])
    lr, b1, b2, eps = (scalar(i[k]) for k in ("lr", "beta1", "beta2", "eps"))
    wd = scalar(i["weight_decay"]) if decay else 0.0
    m = ew(lambda x: 0.0, w)
    v = ew(lambda x: 0.0, w)
    out = {}
    for t in (1, 2, 3):
        g = mat(i["g%d" % t])
        m = ew(lambda a, b: b1 * a + (1 - b1) * b, m, g)
        v = ew(lambda a, b: b2 * a + (1 - b2) * b * b, v, g)
        c1, c2 = 1 - b1 ** t, 1 - b2 ** t
        w = ew(lambda x, a, b: x - lr * ((a / c1) / (math.sqrt(b / c2) + eps) + wd * x), w, m, v)
        out.update({"w_step%d" % t: w, "m_step%d" % t: m, "v_step%d" % t: v, "t_step%d" % t: t})
    return out


def matmul(a, b):
    return [[math.fsum(x * y for x, y in zip(row, col)) for col in transpose(b)] for row in a]


def compute(problem, entry, i):
    if problem == "linear_forward":  # Y = X W + 1 bᵀ
        b = vec(i["b"])
        return {"Y": [[y + c for y, c in zip(row, b)] for row in matmul(mat(i["X"]), mat(i["W"]))]}
    if problem == "linear_backward":  # dX = dY Wᵀ, dW = Xᵀ dY, db = Σ_rows dY
        X, W, dY = mat(i["X"]), mat(i["W"]), mat(i["dY"])
        return {"dX": matmul(dY, transpose(W)), "dW": matmul(transpose(X), dY),
                "db": [math.fsum(col) for col in transpose(dY)]}
    if problem == "relu":  # A = max(0, Z); dZ = dA ⊙ [Z > 0]
        Z = mat(i["Z"])
        if entry == "relu_forward":
            return {"A": ew(lambda z: max(0.0, z), Z)}
        return {"dZ": ew(lambda z, d: d if z > 0 else 0.0, Z, mat(i["dA"]))}
    if problem == "sigmoid":
        Z = mat(i["Z"])
        if entry == "sigmoid_forward":
            return {"A": ew(sigmoid, Z)}
        return {"dZ": ew(lambda z, d: d * sigmoid(z) * (1 - sigmoid(z)), Z, mat(i["dA"]))}
    if problem == "tanh":
        Z = mat(i["Z"])
        if entry == "tanh_forward":
            return {"A": ew(math.tanh, Z)}
        return {"dZ": ew(lambda z, d: d * (1 - math.tanh(z) ** 2), Z, mat(i["dA"]))}
    if problem == "gelu":
        X = mat(i["X"])
        if entry == "gelu_forward":
            return {"Y": ew(gelu, X)}
        return {"dX": ew(lambda x, d: d * gelu_grad(x), X, mat(i["dY"]))}
    if problem == "softmax":
        return {"P": [[math.exp(v) for v in log_softmax_row(r)] for r in mat(i["Z"])]}
    if problem == "softmax_cross_entropy":
        Z, y = mat(i["Z"]), [int(v) for v in vec(i["y"])]
        n = len(Z)
        logp = [log_softmax_row(r) for r in Z]
        dZ = [[(math.exp(v) - (1.0 if j == y[r] else 0.0)) / n for j, v in enumerate(row)]
              for r, row in enumerate(logp)]
        return {"loss": -math.fsum(logp[r][y[r]] for r in range(n)) / n, "dZ": dZ}
    if problem == "mse_loss":
        Yh, Y = mat(i["Yhat"]), mat(i["Y"])
        n = len(Yh)
        diff = ew(lambda a, b: a - b, Yh, Y)
        return {"loss": math.fsum(d * d for d in flat(diff)) / (2 * n),
                "dYhat": ew(lambda d: d / n, diff)}
    if problem == "bce_with_logits":
        Z, Y = mat(i["Z"]), mat(i["Y"])
        n = len(Z)
        terms = [max(z, 0) - z * y + math.log1p(math.exp(-abs(z)))
                 for z, y in zip(flat(Z), flat(Y))]
        return {"loss": math.fsum(terms) / n, "dZ": ew(lambda z, y: (sigmoid(z) - y) / n, Z, Y)}
    if problem == "l2_regularization":
        lam = scalar(i["lambda"])
        W1, W2 = mat(i["W1"]), mat(i["W2"])
        sq = math.fsum(v * v for v in flat(W1) + flat(W2))
        return {"loss": scalar(i["data_loss"]) + 0.5 * lam * sq,
                "dW1": ew(lambda g, w: g + lam * w, mat(i["dW1"]), W1),
                "dW2": ew(lambda g, w: g + lam * w, mat(i["dW2"]), W2),
                "db1": vec(i["db1"]), "db2": vec(i["db2"])}
    if problem == "sgd_step":
        w, lr, out = mat(i["w"]), scalar(i["lr"]), {}
        for t in (1, 2, 3):
            w = ew(lambda x, g: x - lr * g, w, mat(i["g%d" % t]))
            out["w_step%d" % t] = w
        return out
    if problem == "momentum_step":
        w, lr, mu, out = mat(i["w"]), scalar(i["lr"]), scalar(i["mu"]), {}
        v = ew(lambda x: 0.0, w)
        for t in (1, 2, 3):
            v = ew(lambda a, g: mu * a - lr * g, v, mat(i["g%d" % t]))
            w = ew(lambda x, a: x + a, w, v)
            out["w_step%d" % t] = w
        return out
    if problem == "rmsprop_step":
        w, out = mat(i["w"]), {}
        lr, rho, eps = scalar(i["lr"]), scalar(i["rho"]), scalar(i["eps"])
        s = ew(lambda x: 0.0, w)
        for t in (1, 2, 3):
            g = mat(i["g%d" % t])
            s = ew(lambda a, b: rho * a + (1 - rho) * b * b, s, g)
            w = ew(lambda x, b, c: x - lr * b / (math.sqrt(c) + eps), w, g, s)
            out["w_step%d" % t], out["s_step%d" % t] = w, s
        return out
    if problem in ("adam_step", "adamw_step"):
        return adam_sequence(i, problem == "adamw_step")
    if problem == "clip_grad_norm":
        gs = [mat(i[k]) for k in ("G1", "G2", "G3")]
        total = math.sqrt(math.fsum(v * v for g in gs for v in flat(g)))
        mx = scalar(i["max_norm"])
        scale = mx / total if total > mx else 1.0
        out = {k: ew(lambda v: v * scale, g) for k, g in zip(("G1", "G2", "G3"), gs)}
        out["total_norm"] = total
        return out
    if problem == "lr_schedule":
        hi, lo = scalar(i["lr_max"]), scalar(i["lr_min"])
        W, T = int(scalar(i["warmup_steps"])), int(scalar(i["total_steps"]))

        def lr(s):
            if s < W:
                return hi * s / W
            if s > T:
                return lo
            return lo + 0.5 * (hi - lo) * (1 + math.cos(math.pi * (s - W) / (T - W)))
        return {"lr": [lr(s) for s in range(T + 3)]}
    if problem == "dropout":
        p = scalar(i["p"])
        if entry == "dropout_eval":
            return {"Y": mat(i["X"])}
        src, name = ("X", "Y") if entry == "dropout_train" else ("dY", "dX")
        return {name: ew(lambda x, u: x / p if u < p else 0.0, mat(i[src]), mat(i["U"]))}
    if problem == "layernorm":
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
    if problem == "batchnorm":
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
    raise KeyError(problem)


def all_problems(grader, tmp):
    """Every problem the grader knows: a new problem without a formula here fails, loudly."""
    listed = subprocess.run([grader, "--data-dir", os.path.join(tmp, "data"), "problems", "list",
                             "--json"], check=True, capture_output=True, text=True).stdout
    return [p["id"] for p in json.loads(listed)]


def main():
    grader = sys.argv[1]
    failures = checked = 0
    with tempfile.TemporaryDirectory() as tmp:
        for problem in sys.argv[2:] or all_problems(grader, tmp):
            out_dir = os.path.join(tmp, problem)
            subprocess.run([grader, "--data-dir", os.path.join(tmp, "data"), "problems",
                            "export", problem, "--out", out_dir], check=True,
                           stdout=subprocess.DEVNULL)
            for name in sorted(os.listdir(out_dir)):
                with open(os.path.join(out_dir, name)) as f:
                    test = json.load(f)
                try:
                    mine = compute(problem, test["entry"], test["inputs"])
                except KeyError as e:
                    if e.args != (problem,):
                        raise
                    failures += 1
                    print("%s: no independent formula in scripts/crosscheck_exports.py: add one"
                          " to compute()" % problem)
                    break
                for output, expected in test["expected"].items():
                    got, want = flat(mine[output]), expected["data"]
                    worst = max((abs(a - b) / max(abs(a) + abs(b), FLOOR)
                                 for a, b in zip(got, want)), default=0.0)
                    checked += 1
                    if len(got) != len(want) or worst > TOLERANCE:
                        failures += 1
                        print("%s/%s %s: %d vs %d values, max relative error %.3g"
                              % (problem, name, output, len(got), len(want), worst))
    print("crosscheck: %d outputs checked, %d disagree" % (checked, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
