"""train_char_lm: the data of a run recomputed in plain Python from the statement (corpus split,
alphabet, SplitMix64 positions), independently of the C++ pack (scripts/crosscheck_exports.py).
The exported inputs are the drawn ones plus data_seed; the expected values are what the data
entry returned: train_text, contexts and the held-out next characters."""
import os
import re

from crosscheck_support import scalar

ALPHABET = " abcdefghijklmnopqrstuvwxyz.,;:?!'"
MASK = (1 << 64) - 1


def splitmix64(state):
    while True:
        state = (state + 0x9E3779B97F4A7C15) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        yield z ^ (z >> 31)


def corpus():
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus.h")) as f:
        text = re.search(r'R"CORPUS\((.*)\)CORPUS"', f.read(), re.S).group(1)
    paragraphs = text.split("\n")
    train = " ".join(p for i, p in enumerate(paragraphs) if i % 6 != 5)
    held = " ".join(p for i, p in enumerate(paragraphs) if i % 6 == 5)
    return [ALPHABET.index(c) for c in train], [ALPHABET.index(c) for c in held]


def compute(entry, i):
    assert entry == "next_char"
    K, W = i["contexts"]["shape"]
    train, held = corpus()
    draws = splitmix64(int(scalar(i["data_seed"])))
    contexts, nxt = [], []
    for _ in range(K):
        p = W + next(draws) % (len(held) - W)
        contexts.append([float(c) for c in held[p - W:p]])
        nxt.append(float(held[p]))
    return {"train_text": [float(c) for c in train], "contexts": contexts, "next": nxt}
