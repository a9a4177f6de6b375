"""Resident memory of a web process with the moderation engine loaded, stage by stage.

    .venv/bin/python bench/engine_memory.py [--texts 500] [--repeat 2] [--every N] [--trace]

Loads what `parvis serve` loads, in the same order, and prints VmRSS (from /proc)
after each stage with the delta from the previous one. The texts come from
../shared/data (PARVIS_DATA_DIR): MLMA and ToxiFrench comments and UD sentences
grouped into comment-sized texts. `--trace` adds tracemalloc's top allocation
sites for each stage (slower, and tracemalloc's own memory inflates RSS).
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import gc
import json
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def texts(n: int) -> list[str]:
    from parvis_train.training import data_dir

    root = data_dir()
    out: list[str] = []
    for rel, share in (("mlma_fr/mlma_fr.jsonl", 0.4), ("toxifrench/toxifrench.jsonl", 0.3)):
        with (root / rel).open(encoding="utf-8") as f:
            rows = [json.loads(line)["text"] for line in f if line.strip()]
        out += rows[: int(n * share)]
    sentences: list[str] = []
    with (root / "ud_french_gsd/sentences.jsonl").open(encoding="utf-8") as f:
        sentences = [json.loads(line)["text"] for line in f if line.strip()]
    cur = ""
    for s in sentences:
        cur = f"{cur} {s}".strip()
        if len(cur) >= 400:
            out.append(cur)
            cur = ""
        if len(out) >= n:
            break
    return out[:n]


def malloc_trim() -> None:
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


class Stages:
    def __init__(self, trace: bool) -> None:
        self.trace = trace
        self.last = rss_mb()
        self.snapshot = tracemalloc.take_snapshot() if trace else None
        print(f"{'stage':<44} {'VmRSS MB':>9} {'delta':>7} {'seconds':>8}")
        print(f"{'python':<44} {self.last:9.1f}")

    def run(self, name: str, step: Callable[[], object]) -> None:
        t0 = time.perf_counter()
        step()
        took = time.perf_counter() - t0
        now = rss_mb()
        print(f"{name:<44} {now:9.1f} {now - self.last:+7.1f} {took:8.2f}", flush=True)
        self.last = now
        if self.snapshot is not None:
            snap = tracemalloc.take_snapshot()
            for stat in snap.compare_to(self.snapshot, "filename")[:6]:
                if abs(stat.size_diff) > 256 * 1024:
                    frame = stat.traceback[0]
                    where = "/".join(Path(frame.filename).parts[-3:])
                    print(f"    {stat.size_diff / 2**20:+7.1f} MB  {where}")
            self.snapshot = snap


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--texts", type=int, default=500)
    ap.add_argument("--repeat", type=int, default=2, help="passes over the texts")
    ap.add_argument("--trace", action="store_true")
    ap.add_argument("--every", type=int, default=0, help="print VmRSS every N texts")
    args = ap.parse_args()
    if args.trace:
        tracemalloc.start()
    stages = Stages(args.trace)
    corpus = texts(args.texts)  # read before measuring: not part of the server

    def import_web() -> None:
        import uvicorn  # noqa: F401

        import parvis.web.app  # noqa: F401
        import parvis.web.asgi  # noqa: F401

    def grammalecte() -> None:
        from parvis.moderation.checks import language_grammalecte as french

        french.checker()

    def grammar_rules() -> None:
        from parvis.moderation.checks import language_grammalecte as french

        french.checker().grammar_errors("Il sont partis hier.")

    def accents() -> None:
        from parvis.moderation.checks import language_grammalecte as french

        french.checker().accented("deja")

    def classifier() -> None:
        from parvis.moderation.classifier import get_model

        get_model()

    def lexicon() -> None:
        from parvis.moderation.lexicon import get_lexicon

        get_lexicon()

    def identifier() -> None:
        from parvis.moderation.checks.language import _identifier

        _identifier()

    def engine() -> None:
        from parvis.moderation.engine import get_engine

        get_engine().warm()  # what the server runs: loads what is left, then trims

    def moderate() -> None:
        from parvis.moderation.engine import get_engine

        e = get_engine()
        done = 0
        for _ in range(args.repeat):
            for t in corpus:
                e.moderate(t)
                done += 1
                if args.every and done % args.every == 0:
                    print(f"    {done:>6} texts: VmRSS {rss_mb():.1f} MB", flush=True)

    stages.run("import parvis web app + uvicorn", import_web)
    stages.run("Grammalecte (spell checker, options)", grammalecte)
    stages.run("re-accent a word (was: an index)", accents)
    stages.run("Grammalecte grammar rules (first parse)", grammar_rules)
    stages.run("content classifier (content.npz)", classifier)
    stages.run("lexicon", lexicon)
    stages.run("language identifier (py3langid)", identifier)
    stages.run("engine built, warm() (gc + malloc_trim)", engine)
    stages.run(f"after moderating {len(corpus)} texts x{args.repeat}", moderate)
    stages.run("gc.collect()", gc.collect)
    stages.run("malloc_trim(0)", malloc_trim)
    t0 = time.perf_counter()
    from parvis.moderation.engine import get_engine

    e = get_engine()
    for t in corpus:
        e.moderate(f"{t} ({len(t)})")  # no cache hits
    rate = len(corpus) / (time.perf_counter() - t0)
    stages.run(f"after {len(corpus)} more texts ({rate:.0f}/s)", lambda: None)
    print(f"peak VmHWM {_hwm():.1f} MB")


def _hwm() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


if __name__ == "__main__":
    main()
