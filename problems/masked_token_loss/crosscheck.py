"""masked_token_loss: its expected outputs recomputed from the statement's formulas in plain Python
(scripts/crosscheck_exports.py), independently of the C++ reference."""
import math

from crosscheck_support import mat, vec, log_softmax_row


def compute(entry, i):
    # n = Σ mask;  L = −(1/n) Σ_{mask[t]=1} log P[t, y_t];  dZ[t,:] = mask[t] (P − Y)[t,:] / n
    Z = mat(i["Z"])
    y = [int(v) for v in vec(i["y"])]
    mask = [int(v) for v in vec(i["mask"])]
    n = sum(mask)
    dZ = [[0.0] * len(row) for row in Z]
    terms = []
    for t, row in enumerate(Z):
        if not mask[t]:
            continue
        logp = log_softmax_row(row)
        terms.append(logp[y[t]])
        dZ[t] = [(math.exp(v) - (1.0 if j == y[t] else 0.0)) / n for j, v in enumerate(logp)]
    return {"loss": -math.fsum(terms) / n, "dZ": dZ}
