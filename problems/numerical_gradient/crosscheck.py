"""numerical_gradient: its expected outputs recomputed from the statement's formulas in plain
Python (scripts/crosscheck_exports.py), independently of the C++ reference."""
import math

from crosscheck_support import mat, scalar


def f_of(function_id):
    # The statement's table: 1 cubes, 2 log-sum-exp, 3 norm.
    if function_id == 1:
        return lambda x: math.fsum(v ** 3 for row in x for v in row)
    if function_id == 2:
        def lse(x):
            m = max(v for row in x for v in row)
            return m + math.log(math.fsum(math.exp(v - m) for row in x for v in row))
        return lse
    return lambda x: math.sqrt(math.fsum(v * v for row in x for v in row))


def compute(entry, i):
    if entry == "numerical_gradient":
        f, x, h = f_of(int(scalar(i["function_id"]))), mat(i["x"]), scalar(i["h"])
        # G[r, c] = (f(x + h E_rc) − f(x − h E_rc)) / (2h)
        G = []
        for r in range(len(x)):
            row = []
            for c in range(len(x[0])):
                plus = [list(v) for v in x]
                minus = [list(v) for v in x]
                plus[r][c] += h
                minus[r][c] -= h
                row.append((f(plus) - f(minus)) / (2 * h))
            G.append(row)
        return {"G": G}
    # numeric = analytic + difference;  rel = max |a − n| / max(|a| + |n|, 1e-8)
    a, d = mat(i["analytic"]), mat(i["difference"])
    n = [[x + y for x, y in zip(ra, rd)] for ra, rd in zip(a, d)]
    return {"rel_error": max(abs(x - y) / max(abs(x) + abs(y), 1e-8)
                             for ra, rn in zip(a, n) for x, y in zip(ra, rn))}
