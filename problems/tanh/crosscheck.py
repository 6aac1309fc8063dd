"""tanh: its expected outputs recomputed from the statement's formulas in plain Python
(scripts/crosscheck_exports.py), independently of the C++ reference."""
import math

from crosscheck_support import mat, ew


def compute(entry, i):
    Z = mat(i["Z"])
    if entry == "tanh_forward":
        return {"A": ew(math.tanh, Z)}
    return {"dZ": ew(lambda z, d: d * (1 - math.tanh(z) ** 2), Z, mat(i["dA"]))}
