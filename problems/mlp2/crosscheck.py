"""mlp2: its expected outputs recomputed from the statement's formulas in plain Python
(scripts/crosscheck_exports.py), independently of the C++ reference."""
import math

from crosscheck_support import mat, vec, log_softmax_row, transpose, matmul


def compute(entry, i):
    X, y = mat(i["X"]), [int(v) for v in vec(i["y"])]
    W1, b1, W2, b2 = mat(i["W1"]), vec(i["b1"]), mat(i["W2"]), vec(i["b2"])
    n = len(X)
    # Hpre = X W1 + 1 b1ᵀ;  A = max(0, Hpre);  Z = A W2 + 1 b2ᵀ
    Hpre = [[v + b for v, b in zip(row, b1)] for row in matmul(X, W1)]
    A = [[max(0.0, v) for v in row] for row in Hpre]
    Z = [[v + b for v, b in zip(row, b2)] for row in matmul(A, W2)]
    logp = [log_softmax_row(r) for r in Z]
    if entry == "mlp2_forward":
        return {"loss": -math.fsum(logp[r][y[r]] for r in range(n)) / n}
    # dZ = (P − Y)/N;  dW2 = Aᵀ dZ;  db2 = colsum dZ;  dHpre = dZ W2ᵀ ⊙ 1[Hpre > 0]
    dZ = [[(math.exp(v) - (1.0 if j == y[r] else 0.0)) / n for j, v in enumerate(row)]
          for r, row in enumerate(logp)]
    dA = matmul(dZ, transpose(W2))
    dH = [[d if h > 0 else 0.0 for d, h in zip(drow, hrow)] for drow, hrow in zip(dA, Hpre)]
    return {
        "dW1": matmul(transpose(X), dH),
        "db1": [math.fsum(c) for c in transpose(dH)],
        "dW2": matmul(transpose(A), dZ),
        "db2": [math.fsum(c) for c in transpose(dZ)],
    }
