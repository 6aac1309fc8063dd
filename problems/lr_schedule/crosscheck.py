"""lr_schedule: its expected outputs recomputed from the statement's formulas in plain Python
(scripts/crosscheck_exports.py), independently of the C++ reference."""
import math

from crosscheck_support import scalar


def compute(entry, i):
    hi, lo = scalar(i["lr_max"]), scalar(i["lr_min"])
    W, T = int(scalar(i["warmup_steps"])), int(scalar(i["total_steps"]))

    def lr(s):
        if s < W:
            return hi * s / W
        if s > T:
            return lo
        return lo + 0.5 * (hi - lo) * (1 + math.cos(math.pi * (s - W) / (T - W)))
    return {"lr": [lr(s) for s in range(T + 3)]}
