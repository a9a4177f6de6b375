"""Which language a text is in: py3langid's model (naive Bayes over byte n-grams),
restricted to the languages Parvis tells apart and held compactly.

py3langid's own identifier keeps the model's scanner as a transition table (38,346
rows of 256 32-bit states: 39 MB) and the weights of all its 142 language columns
(28 MB): 70 MB in every web process. The scanner is an Aho-Corasick automaton, whose
row for a state differs from its failure state's row only at the state's own trie
edges (one edge per state on average). This class keeps those edges and the failure
links (1.5 MB) and follows the links while scanning, which reaches the same states as
the table; the scores are then computed exactly as py3langid computes them (same
features, same order, same float types), so `classify` returns the same language and
the same probability.
"""

from __future__ import annotations

import lzma
import math
import shutil
import tempfile
import unicodedata
from array import array
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

_BLOCK = 8192  # states compared at once when building (8 MB of rows)


class LanguageIdentifier:
    def __init__(self, languages: Sequence[str]) -> None:
        with _model() as model:
            classes: list[str] = model["classes"].tolist()
            wanted = set(languages)
            keep = [i for i, c in enumerate(classes) if c in wanted]
            if len(keep) != len(wanted):  # py3langid folds a few aliased columns: not here
                raise ValueError(f"unknown or aliased languages: {sorted(wanted)}")
            self.languages = [classes[i] for i in keep]
            # [features, languages] float16: a copy, so the whole table is freed now
            self._ptc = np.ascontiguousarray(model["ptc"][:, keep])
            self._pc = model["pc"][keep]  # float32
            self._feature = array("i", model["out_feat"].astype(np.int32).tobytes())
            rows, row_of = model["nextmove"].reshape(-1, 256), model["nextmove_row"]
        fail = _failure_links(rows, row_of)
        starts, edge_bytes, edge_next = _own_edges(rows, row_of, fail)
        self._fail = array("I", fail.astype(np.uint32).tobytes())
        self._starts = array("I", starts.astype(np.uint32).tobytes())
        self._edge_bytes = edge_bytes.tobytes()
        self._edge_next = array("I", edge_next.astype(np.uint32).tobytes())
        self._root = array("I", rows[row_of[0]].astype(np.uint32).tobytes())

    def classify(self, text: str) -> tuple[str, float]:
        """The likeliest language and its probability (py3langid's `norm_probs`)."""
        if text.isupper():
            text = text.lower()
        data = unicodedata.normalize("NFC", text).encode("utf8", errors="surrogatepass")
        visits = self._visits(data)
        if visits:
            idx = np.fromiter(visits.keys(), dtype=np.intp, count=len(visits))
            counts = np.fromiter(visits.values(), dtype=np.float32, count=len(visits))
            scores = np.log1p(counts) @ self._ptc[idx] + self._pc
        else:
            scores = np.full(len(self.languages), 0.0, dtype=np.float32)
        scores *= 1.0 / math.sqrt(len(data) or 1)
        np.exp(scores - scores.max(), out=scores)
        scores /= scores.sum()
        best = int(scores.argmax())
        return self.languages[best], float(scores[best])

    def _visits(self, data: bytes) -> Counter[int]:
        """Feature counts in the order the scanner first meets them."""
        starts, edge_bytes, edge_next = self._starts, self._edge_bytes, self._edge_next
        fail, root, feature = self._fail, self._root, self._feature
        found: list[int] = []
        state = 0
        for b in data:
            s = state
            while s:
                i = edge_bytes.find(b, starts[s], starts[s + 1])
                if i >= 0:
                    state = edge_next[i]
                    break
                s = fail[s]
            else:
                state = root[b]
            f = feature[state]
            if f >= 0:
                found.append(f)
        return Counter(found)


@contextmanager
def _model() -> Iterator[Any]:
    """py3langid's model file (an .npz inside LZMA), opened as its own loader opens it;
    its arrays are read when asked for."""
    from py3langid.langid import MODEL_DIR, MODEL_FILE

    with tempfile.TemporaryFile(suffix=".npz") as tmp:
        with lzma.open(MODEL_DIR / MODEL_FILE) as src:
            shutil.copyfileobj(src, tmp, length=1 << 20)
        tmp.seek(0)
        with np.load(tmp, allow_pickle=False) as data:
            yield data


def _failure_links(rows: np.ndarray, row_of: np.ndarray) -> np.ndarray:
    """Each state's failure state: the state of its longest proper suffix.

    A breadth-first walk gives each state its depth and the (parent, byte) trie edge
    that first reaches it; then fail(s) = next(fail(parent), byte), depth by depth.
    """
    n = len(row_of)
    depth = np.full(n, -1, dtype=np.int64)
    parent = np.zeros(n, dtype=np.int64)
    byte = np.zeros(n, dtype=np.int64)
    depth[0] = 0
    frontier, level = np.zeros(1, dtype=np.int64), 0
    while len(frontier):
        level += 1
        reached_blocks = []
        for lo in range(0, len(frontier), _BLOCK):
            block = frontier[lo : lo + _BLOCK]
            targets = rows[row_of[block]]
            ks, bs = np.nonzero(depth[targets] == -1)
            reached, first = np.unique(targets[ks, bs], return_index=True)
            depth[reached] = level
            parent[reached] = block[ks[first]]
            byte[reached] = bs[first]
            reached_blocks.append(reached)
        frontier = np.concatenate(reached_blocks)
    fail = np.zeros(n, dtype=np.int64)
    for d in range(2, level + 1):
        states = np.nonzero(depth == d)[0]
        fail[states] = rows[row_of[fail[parent[states]]], byte[states]]
    return fail


def _own_edges(
    rows: np.ndarray, row_of: np.ndarray, fail: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where each state's transitions differ from its failure state's: offsets per
    state into (byte, next state) pairs. The root keeps its whole row instead."""
    n = len(row_of)
    counts = np.zeros(n + 1, dtype=np.int64)
    edge_bytes, edge_next = [], []
    for lo in range(1, n, _BLOCK):
        states = np.arange(lo, min(n, lo + _BLOCK))
        own = rows[row_of[states]]
        ks, bs = np.nonzero(own != rows[row_of[fail[states]]])
        counts[states + 1] = np.bincount(ks, minlength=len(states))
        edge_bytes.append(bs.astype(np.uint8))
        edge_next.append(own[ks, bs])
    return np.cumsum(counts), np.concatenate(edge_bytes), np.concatenate(edge_next)
