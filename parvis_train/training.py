"""Train the content classifier: `make model` (python -m parvis_train.training).

Reads the labelled sets of `../shared/data` (env PARVIS_DATA_DIR), adds the generated
cases of `synthetic.py`, rebuilds `parvis/moderation/data/lexicon.json`, and writes
`parvis/moderation/models/content.npz`. The split is fixed (a hash of each row's id): 70 % train,
10 % validation (decision thresholds), 20 % test, which only `evaluation.py` reads.
"""

from __future__ import annotations

import json
import math
import os
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from parvis.moderation import classifier
from parvis.moderation import lexicon as shipped_lexicon
from parvis.moderation.classifier import HEADS, Model
from parvis_train import lexicon, synthetic

SEED = 20240611
REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "parvis" / "moderation"


def data_dir() -> Path:
    return Path(os.environ.get("PARVIS_DATA_DIR", REPO.parent / "shared" / "data")).resolve()


@dataclass(frozen=True, slots=True)
class Row:
    text: str
    source: str  # mlma, jigsaw, toxifrench, ud, synthetic
    id: str
    targets: dict[str, int]  # head -> 0/1; a head missing from it does not learn from the row
    weight: float = 1.0

    @property
    def split(self) -> str:
        h = zlib.crc32(self.id.encode()) % 10
        return "test" if h < 2 else "val" if h == 2 else "train"


def _jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def _all(labels: set[str], heads: tuple[str, ...] = HEADS) -> dict[str, int]:
    return {h: int(h in labels) for h in heads}


def load_rows(root: Path | None = None) -> list[Row]:
    root = root or data_dir()
    rows: list[Row] = []
    for d in _jsonl(root / "mlma_fr/mlma_fr.jsonl"):
        labels = set(d["labels"])
        if "toxic" in labels:
            continue  # hostile but no rule given: no head learns from it
        # MLMA has no threat label: only its clean tweets teach the violence head.
        targets = _all(labels, ("insult", "legal"))
        if not labels:
            targets["violence"] = 0
        weight = 0.5 if d.get("ambiguous") else 1.0
        rows.append(Row(d["text"], "mlma", d["source_id"], targets, weight))
    for d in _jsonl(root / "toxifrench/jigsaw_fr_translated.jsonl"):
        rows.append(Row(d["text"], "jigsaw", d["source_id"], _all(set(d["labels"]))))
    for d in _jsonl(root / "toxifrench/toxifrench.jsonl"):
        if not d["labels"]:  # "toxic" is too broad for a rule; clean rows are negatives
            rows.append(Row(d["text"], "toxifrench", d["source_id"], _all(set())))
    for rel in ("ud_french_gsd/sentences.jsonl", "ud_french_sequoia/sentences.jsonl"):
        for d in _jsonl(root / rel):
            rows.append(Row(d["text"], "ud", d["source_id"], _all(set())))
    for i, (text, rules) in enumerate(synthetic.generate(seed=SEED)):
        rows.append(Row(text, "synthetic", f"synthetic-{i}", _all(set(rules))))
    return rows


def split_rows(rows: list[Row]) -> dict[str, list[Row]]:
    out: dict[str, list[Row]] = {"train": [], "val": [], "test": []}
    for r in rows:
        out[r.split].append(r)
    return out


Feats = tuple[set[str], np.ndarray, set[str]]


def _matrix(feats: list[Feats], vocab: dict[str, int]) -> Any:  # a scipy.sparse.csr_matrix
    """Columns: the hashed char buckets, then the word features and flags of `vocab`."""
    from scipy.sparse import csr_matrix

    off = classifier.N_BUCKETS
    indptr, indices, values = [0], [], []
    for words, buckets, flags in feats:
        scale = 1.0 / math.sqrt(max(len(words) + len(buckets), 1))
        cols = buckets.tolist() + [off + vocab[f] for f in words if f in vocab]
        indices.extend(cols)
        values.extend([scale] * len(cols))
        fcols = [off + vocab[f] for f in flags if f in vocab]
        indices.extend(fcols)
        values.extend([1.0] * len(fcols))
        indptr.append(len(indices))
    shape = (len(feats), off + len(vocab))
    return csr_matrix((values, indices, indptr), shape=shape, dtype=np.float64)


def _features(rows: list[Row]) -> list[Feats]:
    out = []
    for r in rows:
        a = classifier.analyse_uncached(r.text)
        out.append((a.features, a.buckets, a.flags))
    return out


def best_threshold(y: np.ndarray, p: np.ndarray) -> float:
    best, best_f1 = 0.5, -1.0
    for t in np.linspace(0.2, 0.8, 61):
        pred = p >= t
        tp = float((pred & (y == 1)).sum())
        f1 = 2 * tp / max(float(pred.sum() + (y == 1).sum()), 1.0)
        if f1 > best_f1:
            best, best_f1 = float(t), f1
    return best


def train(
    rows: list[Row], c: float = 8.0, min_df: int = 2, log: Callable[[str], None] = print
) -> Model:
    from sklearn.linear_model import LogisticRegression

    parts = split_rows(rows)
    train_rows, val_rows = parts["train"], parts["val"]
    t0 = time.perf_counter()
    train_feats = _features(train_rows)
    val_feats = _features(val_rows)
    took = time.perf_counter() - t0
    log(f"features: {len(train_rows)} train, {len(val_rows)} val rows ({took:.1f}s)")
    df: Counter[str] = Counter()
    for words, _, flags in train_feats:
        df.update(words)
        df.update(flags)
    names = sorted(f for f, n in df.items() if n >= min_df)
    vocab = {f: i for i, f in enumerate(names)}
    x_train, x_val = _matrix(train_feats, vocab), _matrix(val_feats, vocab)
    log(f"vocabulary: {len(vocab)} word features and flags, {classifier.N_BUCKETS} char buckets")
    weights = np.zeros((classifier.N_BUCKETS + len(vocab), len(HEADS)), dtype=np.float64)
    bias = np.zeros(len(HEADS))
    shift = np.zeros(len(HEADS))
    for j, head in enumerate(HEADS):
        mask = np.array([head in r.targets for r in train_rows])
        y = np.array([r.targets.get(head, 0) for r in train_rows])[mask]
        sw = np.array([r.weight for r in train_rows])[mask]
        lr = LogisticRegression(
            C=c, class_weight="balanced", max_iter=2000, solver="liblinear", random_state=SEED
        )
        lr.fit(x_train[mask], y, sample_weight=sw)
        weights[:, j] = lr.coef_[0]
        bias[j] = lr.intercept_[0]
        vmask = np.array([head in r.targets for r in val_rows])
        yv = np.array([r.targets.get(head, 0) for r in val_rows])[vmask]
        pv = lr.predict_proba(x_val[vmask])[:, 1]
        t = best_threshold(yv, pv)
        shift[j] = math.log(t / (1 - t))
        log(f"  {head}: {int(y.sum())} positives of {len(y)}, validation threshold {t:.2f}")
    char, word = weights[: classifier.N_BUCKETS], weights[classifier.N_BUCKETS :]
    char[np.abs(char).max(axis=1) < 0.02] = 0.0
    keep = np.abs(word).max(axis=1) >= 0.02
    keep |= np.array([n.startswith("L:") for n in names])
    kept = [n for n, k in zip(names, keep, strict=True) if k]
    char32 = char.astype(np.float32)
    char_rows = np.nonzero(np.abs(char32).max(axis=1) > 0)[0]
    log(f"kept {len(char_rows)} char buckets and {len(kept)} of {len(names)} word features")
    return Model(
        vocab={n: i for i, n in enumerate(kept)},
        weights=word[keep].astype(np.float32),
        char_rows=char_rows.astype(np.int64),
        char_weights=char32[char_rows],
        bias=bias,
        shift=shift,
    )


def main() -> None:
    root = data_dir()
    print(f"data: {root}")
    out_lex = PACKAGE / "data" / shipped_lexicon.LEXICON_FILE
    cats = lexicon.build_lexicon(root, out_lex)
    shipped_lexicon.get_lexicon.cache_clear()
    print(f"lexicon: {len(cats)} entries -> {out_lex.relative_to(REPO)}")
    rows = load_rows(root)
    counts = Counter((r.source, r.split) for r in rows)
    print("rows:", ", ".join(f"{s}/{p}={n}" for (s, p), n in sorted(counts.items())))
    model = train(rows)
    out = PACKAGE / "models" / classifier.MODEL_FILE
    out.parent.mkdir(parents=True, exist_ok=True)
    model.save(out)
    classifier.get_model.cache_clear()
    classifier.analyse.cache_clear()
    print(f"model: {out.relative_to(REPO)} ({out.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
