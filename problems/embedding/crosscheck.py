"""embedding: its expected outputs recomputed from the statement's formulas in plain Python
(scripts/crosscheck_exports.py), independently of the C++ reference."""
import math

from crosscheck_support import mat, vec


def compute(entry, i):
    # E[i,:] = W[ids[i],:];  dW[v,:] = Σ_{i : ids[i] = v} dE[i,:]
    W, ids = mat(i["W"]), [int(v) for v in vec(i["ids"])]
    if entry == "embedding_forward":
        return {"E": [list(W[t]) for t in ids]}
    dE = mat(i["dE"])
    dW = [[math.fsum(dE[p][j] for p in range(len(ids)) if ids[p] == v) for j in range(len(W[0]))]
          for v in range(len(W))]
    return {"dW": dW}
