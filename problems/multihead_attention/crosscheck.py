"""multihead_attention: its expected outputs recomputed from the statement's formulas in plain
Python (scripts/crosscheck_exports.py), independently of the C++ reference."""
import math

from crosscheck_support import mat, scalar, transpose, matmul


def cols(M, lo, hi):
    return [row[lo:hi] for row in M]


def put_cols(M, lo, block):
    for row, part in zip(M, block):
        row[lo:lo + len(part)] = part


def add(*ms):
    return [[math.fsum(vals) for vals in zip(*rows)] for rows in zip(*ms)]


def weights(Qh, Kh, causal):
    # S = Q_h K_hᵀ / √Dk;  A[i, :] = softmax over the keys j (j <= i when causal), 0 elsewhere
    scale = 1.0 / math.sqrt(len(Qh[0]))
    T = len(Qh)
    A = []
    for i in range(T):
        n = i + 1 if causal else T
        s = [math.fsum(q * k for q, k in zip(Qh[i], Kh[j])) * scale for j in range(n)]
        m = max(s)
        e = [math.exp(v - m) for v in s]
        z = math.fsum(e)
        A.append([v / z for v in e] + [0.0] * (T - n))
    return A


def compute(entry, i):
    causal = entry.endswith("_causal")
    X = mat(i["X"])
    Wq, Wk, Wv, Wo = (mat(i[k]) for k in ("Wq", "Wk", "Wv", "Wo"))
    H = int(scalar(i["heads"]))
    T, D = len(X), len(X[0])
    dk = D // H
    Q, K, V = matmul(X, Wq), matmul(X, Wk), matmul(X, Wv)
    # head h: columns [h·Dk, (h+1)·Dk); C = [O_0 | … | O_{H−1}]
    C = [[0.0] * D for _ in range(T)]
    A = []
    for h in range(H):
        lo, hi = h * dk, (h + 1) * dk
        A.append(weights(cols(Q, lo, hi), cols(K, lo, hi), causal))
        put_cols(C, lo, matmul(A[h], cols(V, lo, hi)))
    if "_forward" in entry:
        return {"Y": matmul(C, Wo)}
    dY = mat(i["dY"])
    dC = matmul(dY, transpose(Wo))
    dQ, dK, dV = ([[0.0] * D for _ in range(T)] for _ in range(3))
    scale = 1.0 / math.sqrt(dk)
    for h in range(H):
        lo, hi = h * dk, (h + 1) * dk
        dO, Vh = cols(dC, lo, hi), cols(V, lo, hi)
        dA = matmul(dO, transpose(Vh))
        # dS = A ⊙ (dA − rowsum(A ⊙ dA))
        dS = []
        for a, d in zip(A[h], dA):
            dot = math.fsum(x * y for x, y in zip(a, d))
            dS.append([x * (y - dot) for x, y in zip(a, d)])
        put_cols(dV, lo, matmul(transpose(A[h]), dO))
        put_cols(dQ, lo, [[v * scale for v in row] for row in matmul(dS, cols(K, lo, hi))])
        put_cols(dK, lo, [[v * scale for v in row] for row in matmul(transpose(dS), cols(Q, lo, hi))])
    Xt = transpose(X)
    dX = add(matmul(dQ, transpose(Wq)), matmul(dK, transpose(Wk)), matmul(dV, transpose(Wv)))
    return {"dX": dX, "dWq": matmul(Xt, dQ), "dWk": matmul(Xt, dK), "dWv": matmul(Xt, dV),
            "dWo": matmul(transpose(C), dY)}
