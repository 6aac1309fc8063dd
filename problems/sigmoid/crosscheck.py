"""sigmoid: its expected outputs recomputed from the statement's formulas in plain Python
(scripts/crosscheck_exports.py), independently of the C++ reference."""
from crosscheck_support import mat, ew, sigmoid


def compute(entry, i):
    Z = mat(i["Z"])
    if entry == "sigmoid_forward":
        return {"A": ew(sigmoid, Z)}
    return {"dZ": ew(lambda z, d: d * sigmoid(z) * (1 - sigmoid(z)), Z, mat(i["dA"]))}
