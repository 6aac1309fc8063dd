"""clip_grad_norm: its expected outputs recomputed from the statement's formulas in plain Python
(scripts/crosscheck_exports.py), independently of the C++ reference."""
import math

from crosscheck_support import mat, scalar, flat, ew


def compute(entry, i):
    gs = [mat(i[k]) for k in ("G1", "G2", "G3")]
    total = math.sqrt(math.fsum(v * v for g in gs for v in flat(g)))
    mx = scalar(i["max_norm"])
    scale = mx / total if total > mx else 1.0
    out = {k: ew(lambda v: v * scale, g) for k, g in zip(("G1", "G2", "G3"), gs)}
    out["total_norm"] = total
    return out
