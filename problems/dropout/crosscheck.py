"""dropout: its expected outputs recomputed from the statement's formulas in plain Python
(scripts/crosscheck_exports.py), independently of the C++ reference."""
from crosscheck_support import mat, scalar, ew


def compute(entry, i):
    p = scalar(i["p"])
    if entry == "dropout_eval":
        return {"Y": mat(i["X"])}
    src, name = ("X", "Y") if entry == "dropout_train" else ("dY", "dX")
    return {name: ew(lambda x, u: x / p if u < p else 0.0, mat(i[src]), mat(i["U"]))}
