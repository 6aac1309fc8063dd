"""gelu: its expected outputs recomputed from the statement's formulas in plain Python
(scripts/crosscheck_exports.py), independently of the C++ reference."""
import math

from crosscheck_support import mat, ew

# GELU, tanh approximation (Hendrycks & Gimpel 2016).
GELU_C = math.sqrt(2.0 / math.pi)
GELU_K = 0.044715


def gelu(x):
    return 0.5 * x * (1.0 + math.tanh(GELU_C * (x + GELU_K * x ** 3)))


def gelu_grad(x):
    t = math.tanh(GELU_C * (x + GELU_K * x ** 3))
    return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * GELU_C * (1 + 3 * GELU_K * x * x)


def compute(entry, i):
    X = mat(i["X"])
    if entry == "gelu_forward":
        return {"Y": ew(gelu, X)}
    return {"dX": ew(lambda x, d: d * gelu_grad(x), X, mat(i["dY"]))}
