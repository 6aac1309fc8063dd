"""relu: its expected outputs recomputed from the statement's formulas in plain Python
(scripts/crosscheck_exports.py), independently of the C++ reference."""
from crosscheck_support import mat, ew


def compute(entry, i):
    # A = max(0, Z); dZ = dA ⊙ [Z > 0]
    Z = mat(i["Z"])
    if entry == "relu_forward":
        return {"A": ew(lambda z: max(0.0, z), Z)}
    return {"dZ": ew(lambda z, d: d if z > 0 else 0.0, Z, mat(i["dA"]))}
