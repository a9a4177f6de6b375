"""The shared analysis of a text and the NumPy-only content classifier.

One analysis serves the three content checks (insult, legal, violence): normalise once,
find lexicon terms and threat patterns once, compute the three classifier heads with
one sparse dot product. The model is a logistic regression per head over binary
features (hashed char 3-5-grams, words and word pairs of the normalised text,
L2-normalised, plus a few unscaled lexicon/context flags), trained by `training.py` and shipped as
`models/content.npz`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from parvis.moderation import patterns
from parvis.moderation.lexicon import Hit, get_lexicon
from parvis.moderation.normalize import Normalized, normalize

HEADS = ("insult", "legal", "violence")
MODEL_FILE = "content.npz"
CHAR_NGRAMS = (3, 4, 5)
BUCKET_BITS = 20
N_BUCKETS = 1 << BUCKET_BITS
_PRIME = np.uint64(0x100000001B3)
_MIX = np.uint64(0x9E3779B97F4A7C15)
_SHIFT = np.uint64(64 - BUCKET_BITS)


def char_buckets(words: list[str]) -> np.ndarray:
    """Hashed char 3-5-grams of the words joined by spaces (bytes of UTF-8), unique.

    Computed with NumPy (no Python loop per n-gram): a polynomial hash of each window,
    then a multiplicative hash to 2**20 buckets.
    """
    raw = (" " + " ".join(words) + " ").encode("utf-8")
    b = np.frombuffer(raw, dtype=np.uint8).astype(np.uint64)
    parts = []
    for n in CHAR_NGRAMS:
        if len(b) < n:
            continue
        m = len(b) - n + 1
        h = np.full(m, np.uint64(n), dtype=np.uint64)
        for k in range(n):
            h = h * _PRIME + b[k : k + m]
        parts.append((h * _MIX) >> _SHIFT)
    if not parts:
        return np.zeros(0, dtype=np.int64)
    return np.unique(np.concatenate(parts)).astype(np.int64)


def word_features(words: list[str]) -> set[str]:
    feats = {"w:" + w for w in words}
    feats.update(["b:" + a + "_" + b for a, b in zip(words, words[1:], strict=False)])
    return feats


@dataclass(slots=True)
class Analysis:
    norm: Normalized
    hits: list[Hit]
    directed: list[bool]
    quoted: list[bool]
    threats: list[tuple[int, int, str]]
    negated: bool
    flags: set[str]
    features: set[str]  # words and word pairs
    buckets: np.ndarray  # hashed char n-grams
    probs: dict[str, float] = field(default_factory=dict)

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self.norm.orig_span(start, end)


_HOSTILE = {"insult", "insult_weak", "profanity", "slur", "slur_weak", "trope"}
_WEAK = {"insult_weak", "slur_weak"}
_AIMABLE = {"insult", "insult_weak", "profanity", "slur", "slur_weak", "dehuman"}


def lexical_flags(
    hits: list[Hit],
    directed: list[bool],
    quoted: list[bool],
    threats: list[tuple[int, int, str]],
    negated: bool,
    quotes: bool,
) -> set[str]:
    flags: set[str] = set()
    cats = set()
    for h, d, q in zip(hits, directed, quoted, strict=True):
        cats.add(h.category)
        if h.category not in _WEAK:  # a weak word alone is often an ordinary one ("tare")
            flags.add("L:" + h.category)
        if q:
            flags.add("L:" + h.category + ":quoted")
        elif d and h.category in _AIMABLE:
            flags.add("L:" + h.category + ":directed")
    if "group" in cats and "dehuman" in cats:
        flags.add("L:group+dehuman")
    # A linear model cannot see "hostile AND about a group" on its own: give it the pair.
    if "group" in cats and cats & _HOSTILE:
        flags.add("L:group+hostile")
    if "group" in cats and negated:
        flags.add("L:group+negated")
    if threats:
        flags.add("L:threat")
        if "group" in cats:
            flags.add("L:threat+group")
    if negated:
        flags.add("L:negated")
    if quotes:
        flags.add("L:quotes")
    return flags


def analyse_uncached(text: str) -> Analysis:
    norm = normalize(text)
    spans = norm.words()
    hits = get_lexicon().find(norm, spans)
    t = norm.text
    directed = [patterns.is_directed(t, h.start, h.end) for h in hits]
    # A term said of oneself counts as quoted: reclaimed, not thrown at someone.
    quoted = [
        patterns.is_quoted(t, h.start, h.end) or patterns.is_self_reference(t, h.start)
        for h in hits
    ]
    threats = patterns.find_threats(t)
    negated = patterns.NEGATION.search(t) is not None
    flags = lexical_flags(
        hits, directed, quoted, threats, negated, patterns.QUOTES.search(text) is not None
    )
    words = [w for w, _, _ in spans]
    return Analysis(
        norm,
        hits,
        directed,
        quoted,
        threats,
        negated,
        flags,
        word_features(words),
        char_buckets(words),
    )


@dataclass(frozen=True, slots=True)
class Model:
    vocab: dict[str, int]  # word features and lexicon flags -> row of `weights`
    weights: np.ndarray  # [len(vocab), n_heads] float32
    # Only the char buckets that have a weight (8 % of the 2**20), sorted, with their
    # weights: 1.7 MB where a dense [N_BUCKETS, n_heads] table takes 12.6 MB.
    char_rows: np.ndarray  # [n] int64, sorted bucket numbers
    char_weights: np.ndarray  # [n, n_heads] float32
    bias: np.ndarray  # [n_heads]
    shift: np.ndarray  # [n_heads]: logit of each head's decision threshold, moved to 0.5

    def char_rows_of(self, buckets: np.ndarray) -> np.ndarray:
        """The weights of `buckets`, zeros for the buckets without any: what the rows of
        a dense [N_BUCKETS, n_heads] table would be, so that sums come out the same."""
        if not len(self.char_rows):
            return np.zeros((len(buckets), self.char_weights.shape[1]), self.char_weights.dtype)
        pos = np.searchsorted(self.char_rows, buckets)
        np.minimum(pos, len(self.char_rows) - 1, out=pos)
        out = self.char_weights[pos]
        out[self.char_rows[pos] != buckets] = 0.0
        return out

    def logits(self, features: set[str], buckets: np.ndarray, flags: set[str]) -> np.ndarray:
        get = self.vocab.get
        idx = [i for i in map(get, features) if i is not None]
        total = self.char_rows_of(buckets).sum(axis=0)
        if idx:
            total = total + self.weights[idx].sum(axis=0)
        out = self.bias + total / math.sqrt(max(len(features) + len(buckets), 1))
        fidx = [i for i in map(get, flags) if i is not None]
        if fidx:
            out = out + self.weights[fidx].sum(axis=0)
        result: np.ndarray = out - self.shift
        return result

    def probabilities(
        self, features: set[str], buckets: np.ndarray, flags: set[str]
    ) -> dict[str, float]:
        z = self.logits(features, buckets, flags)
        p = 1.0 / (1.0 + np.exp(-z))
        return {h: float(v) for h, v in zip(HEADS, p, strict=True)}

    def contributions(self, features: set[str], head: str) -> dict[str, float]:
        """Weight of each word feature for a head: the classifier's own evidence."""
        j = HEADS.index(head)
        out: dict[str, float] = {}
        for f in features:
            if f.startswith("w:"):
                i = self.vocab.get(f)
                if i is not None:
                    out[f[2:]] = float(self.weights[i, j])
        return out

    def save(self, path: Path) -> None:
        names = sorted(self.vocab, key=self.vocab.__getitem__)
        blob = np.frombuffer("\n".join(names).encode("utf-8"), dtype=np.uint8)
        np.savez_compressed(
            path,
            vocab=blob,
            weights=self.weights.astype(np.float16),
            char_rows=self.char_rows.astype(np.int32),
            char_weights=self.char_weights.astype(np.float16),
            bias=self.bias.astype(np.float32),
            shift=self.shift.astype(np.float32),
        )

    @classmethod
    def load(cls, path: Path) -> Model:
        with np.load(path, allow_pickle=False) as z:
            names = z["vocab"].tobytes().decode("utf-8").split("\n")
            return cls(
                vocab={n: i for i, n in enumerate(names)},
                weights=z["weights"].astype(np.float32),
                char_rows=z["char_rows"].astype(np.int64),
                char_weights=z["char_weights"].astype(np.float32),
                bias=z["bias"].astype(np.float64),
                shift=z["shift"].astype(np.float64),
            )


def model_path() -> Path:
    return Path(str(resources.files("parvis.moderation").joinpath("models", MODEL_FILE)))


@lru_cache(maxsize=1)
def get_model() -> Model:
    return Model.load(model_path())


@lru_cache(maxsize=16)
def analyse(text: str) -> Analysis:
    """The analysis of a text, with the classifier's probabilities (cached: the three
    checks ask for the same text one after the other; a few texts are enough, each
    analysis of a long comment holds tens of kB)."""
    a = analyse_uncached(text)
    a.probs = get_model().probabilities(a.features, a.buckets, a.flags)
    return a
