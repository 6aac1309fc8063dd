"""attention: its expected outputs recomputed from the statement's formulas in plain Python
(scripts/crosscheck_exports.py), independently of the C++ reference."""
import math

from crosscheck_support import mat, transpose, matmul


def weights(Q, K, causal):
    # S = Q Kᵀ / √D;  A[i, :] = softmax over the keys j (j <= i when causal), 0 elsewhere
    scale = 1.0 / math.sqrt(len(Q[0]))
    T = len(Q)
    A = []
    for i in range(T):
        n = i + 1 if causal else T
        s = [math.fsum(q * k for q, k in zip(Q[i], K[j])) * scale for j in range(n)]
        m = max(s)
        e = [math.exp(v - m) for v in s]
        z = math.fsum(e)
        A.append([v / z for v in e] + [0.0] * (T - n))
    return A


def compute(entry, i):
    causal = entry.endswith("_causal")
    Q, K, V = mat(i["Q"]), mat(i["K"]), mat(i["V"])
    A = weights(Q, K, causal)
    if entry.startswith("attention_forward"):
        return {"O": matmul(A, V)}
    dO = mat(i["dO"])
    scale = 1.0 / math.sqrt(len(Q[0]))
    dA = matmul(dO, transpose(V))
    # dS = A ⊙ (dA − rowsum(A ⊙ dA))
    dS = []
    for a, d in zip(A, dA):
        dot = math.fsum(x * y for x, y in zip(a, d))
        dS.append([x * (y - dot) for x, y in zip(a, d)])
    dQ = [[v * scale for v in row] for row in matmul(dS, K)]
    dK = [[v * scale for v in row] for row in matmul(transpose(dS), Q)]
    return {"dQ": dQ, "dK": dK, "dV": matmul(transpose(A), dO)}
