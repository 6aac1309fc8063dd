"""transformer_block: its expected outputs recomputed from the statement's formulas in plain
Python (scripts/crosscheck_exports.py), independently of the C++ reference."""
import math

from crosscheck_support import mat, vec, scalar, transpose, matmul, normalize_rows

EPS = 1e-5


def layernorm(U, gamma, beta):
    # γ_j (U[i, j] − μ_i) / √(σ²_i + ε) + β_j, biased variance
    xhat, _ = normalize_rows(U, EPS)
    return [[g * x + b for x, g, b in zip(row, gamma, beta)] for row in xhat]


def gelu(x):
    # tanh approximation
    return 0.5 * x * (1.0 + math.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))


def causal_mha(U, Wq, Wk, Wv, Wo, H):
    T, D = len(U), len(U[0])
    dk = D // H
    Q, K, V = matmul(U, Wq), matmul(U, Wk), matmul(U, Wv)
    C = [[0.0] * D for _ in range(T)]
    for h in range(H):
        lo, hi = h * dk, (h + 1) * dk
        for i in range(T):
            # query i sees keys j <= i; softmax of Q_h K_hᵀ / √Dk over them
            s = [math.fsum(a * b for a, b in zip(Q[i][lo:hi], K[j][lo:hi])) / math.sqrt(dk)
                 for j in range(i + 1)]
            m = max(s)
            e = [math.exp(v - m) for v in s]
            z = math.fsum(e)
            for c in range(lo, hi):
                C[i][c] = math.fsum(e[j] / z * V[j][c] for j in range(i + 1))
    return matmul(C, Wo)


def add(A, B):
    return [[a + b for a, b in zip(ra, rb)] for ra, rb in zip(A, B)]


def compute(entry, i):
    X = mat(i["X"])
    H = int(scalar(i["heads"]))
    W = {k: mat(i[k]) for k in ("Wq", "Wk", "Wv", "Wo", "W1", "W2")}
    b1, b2 = vec(i["b1"]), vec(i["b2"])
    U1 = layernorm(X, vec(i["ln1_gamma"]), vec(i["ln1_beta"]))
    Y = add(X, causal_mha(U1, W["Wq"], W["Wk"], W["Wv"], W["Wo"], H))
    U2 = layernorm(Y, vec(i["ln2_gamma"]), vec(i["ln2_beta"]))
    Hid = [[gelu(v + b) for v, b in zip(row, b1)] for row in matmul(U2, W["W1"])]
    M = [[v + b for v, b in zip(row, b2)] for row in matmul(Hid, W["W2"])]
    return {"Z": add(Y, M)}
