"""Helpers for the problems' independent formulas (problems/<id>/crosscheck.py): tensors from
the export JSON as nested lists, and the plain-Python maths several problems share. Math module
only: nothing here comes from the C++ references (scripts/crosscheck_exports.py)."""
import math


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
