"""train_classifier: the data of a training run (the spirals of the statement) recomputed in
plain Python from data_seed (scripts/crosscheck_exports.py), independently of the C++ pack.
The exported inputs are the drawn ones plus data_seed; the expected values are what the data
entry returned: X_train, y_train, X_test, the held-out labels y_test and the program's seed."""
import math

from crosscheck_support import scalar

MASK = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def uniform(self):
        return (self.next() >> 11) * 2.0 ** -53

    def normal(self):
        u1, u2 = self.uniform(), self.uniform()
        return math.sqrt(-2.0 * math.log(1.0 - u1)) * math.cos(2.0 * math.pi * u2)


def point(rng, c, C):
    t = rng.uniform()
    theta = 2.0 * math.pi * c / C + 4.0 * t + 0.12 * rng.normal()
    return [t * math.cos(theta), t * math.sin(theta)]


def compute(entry, i):
    assert entry == "classify"
    C = int(scalar(i["classes"]))
    N, M = i["X_train"]["shape"][0], i["X_test"]["shape"][0]
    rng = SplitMix64(int(scalar(i["data_seed"])))
    seed = 1.0 + rng.next() % 1000000
    X_train, y_train = [], []
    for k in range(N):
        c = k // (N // C)
        X_train.append(point(rng, c, C))
        y_train.append(float(c))
    X_test, y_test = [], []
    for k in range(M):
        c = k % C
        X_test.append(point(rng, c, C))
        y_test.append(float(c))
    for k in range(M - 1, 0, -1):
        j = int(rng.uniform() * (k + 1))
        X_test[k], X_test[j] = X_test[j], X_test[k]
        y_test[k], y_test[j] = y_test[j], y_test[k]
    return {"X_train": X_train, "y_train": y_train, "X_test": X_test, "y_test": y_test,
            "seed": seed}
