"""Moderation quality on held-out data: `make eval` (python -m parvis_train.evaluation).

Writes var/eval/report.md and var/eval/pr_curves.png and prints `METRIC name=value`
lines. Content rules are measured on the test split of `training.py` (never trained
on, nor used for thresholds); `language` on UD sentences grouped into comment-sized
texts, clean and with mistakes from `noise.py`; the hand-written French functional suite
(`functional.py`) by phenomenon, every failure in var/eval/functional.md; then the
auto-approvable share of a realistic mix and the engine's throughput on one and two
processes.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from parvis.domain.verdict import CheckContext
from parvis.moderation import classifier
from parvis.moderation.checks.base import Check
from parvis.moderation.checks.insult import InsultCheck
from parvis.moderation.checks.legal import LegalCheck
from parvis.moderation.checks.violence import ViolenceCheck
from parvis.moderation.classifier import HEADS
from parvis_train import functional, noise, training

OUT = training.REPO / "var" / "eval"
SEED = 7
THRESHOLD = 0.5  # the default charter's `review` threshold for these rules
MAX_WRONG_APPROVED = 0.01
CHECKS: dict[str, Callable[[], Check]] = {
    "insult": InsultCheck,
    "legal": LegalCheck,
    "violence": ViolenceCheck,
}


@dataclass
class Scores:
    y: np.ndarray
    p: np.ndarray

    def at(self, t: float = THRESHOLD) -> dict[str, float]:
        from sklearn.metrics import roc_auc_score

        pred = self.p >= t
        tp = float((pred & (self.y == 1)).sum())
        precision = tp / max(float(pred.sum()), 1.0)
        recall = tp / max(float((self.y == 1).sum()), 1.0)
        f1 = 2 * precision * recall / max(precision + recall, 1e-9)
        auc = (
            float(roc_auc_score(self.y, self.p)) if 0 < self.y.sum() < len(self.y) else float("nan")
        )
        return {
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "roc_auc": auc,
            "n": len(self.y),
            "pos": int(self.y.sum()),
        }


def _group_sentences(texts: list[str], target: int = 400) -> list[str]:
    out, cur = [], ""
    for t in texts:
        cur = f"{cur} {t}".strip()
        if len(cur) >= target:
            out.append(cur)
            cur = ""
    return out


def clean_texts(root: Path) -> list[str]:
    """UD sentences of the test split (not medical leaflets), as ~400-character comments."""
    sents = []
    for rel in ("ud_french_gsd/sentences.jsonl", "ud_french_sequoia/sentences.jsonl"):
        for d in training._jsonl(root / rel):
            row = training.Row(d["text"], "ud", d["source_id"], {})
            if row.split == "test" and d.get("genre_source") != "emea" and len(d["text"]) > 20:
                sents.append(d["text"])
    return _group_sentences(sents)


def realistic_mix(
    root: Path, rows: list[training.Row], clean: list[str], noisy: list[str]
) -> list[tuple[str, bool]]:
    """Test-split texts, about 80 % acceptable and 20 % breaking a rule (toxic included)."""
    rng = random.Random(SEED)
    good = [
        r.text
        for r in rows
        if r.source in {"mlma", "jigsaw", "toxifrench"} and not any(r.targets.values())
    ]
    good += clean
    bad = [r.text for r in rows if r.source in {"mlma", "jigsaw"} and any(r.targets.values())]
    for d in training._jsonl(root / "toxifrench/toxifrench.jsonl"):
        row = training.Row(d["text"], "toxifrench", d["source_id"], {})
        if d["labels"] and row.split == "test":
            bad.append(d["text"])
    bad += noisy
    rng.shuffle(bad)
    bad = bad[: len(good) // 4]
    mix = [(t, False) for t in good] + [(t, True) for t in bad]
    rng.shuffle(mix)
    return mix


def approvable_share(risk: np.ndarray, bad: np.ndarray) -> tuple[float, float]:
    """Largest share approved by a risk threshold with at most 1 % bad among them."""
    order = np.argsort(risk, kind="stable")
    wrong = np.cumsum(bad[order])
    k = np.arange(1, len(order) + 1)
    ok = np.nonzero(wrong / k <= MAX_WRONG_APPROVED)[0]
    if len(ok) == 0:
        return 0.0, 0.0
    i = int(ok[-1])
    return (i + 1) / len(order), float(risk[order][i])


_worker_engine = None


def _init_worker() -> None:
    global _worker_engine
    from parvis.moderation.engine import get_engine

    _worker_engine = get_engine()
    _worker_engine.warm()


def _moderate_chunk(texts: list[str]) -> tuple[int, float]:
    assert _worker_engine is not None
    t0 = time.process_time()
    for t in texts:
        _worker_engine.moderate(t)
    return len(texts), time.process_time() - t0


def throughput(texts: list[str], processes: int) -> tuple[float, float]:
    """Comments per second: by the wall clock, and by CPU time (what the machine could do
    without other load: other jobs on a shared machine slow the wall clock down)."""
    if processes == 1:
        _init_worker()
        t0 = time.perf_counter()
        n, cpu = _moderate_chunk(texts)
        return n / (time.perf_counter() - t0), n / cpu
    ctx = mp.get_context("fork")
    with ctx.Pool(processes, initializer=_init_worker) as pool:
        pool.map(_moderate_chunk, [texts[:4]] * processes)  # wait for the workers to warm
        chunks = [texts[i::processes] for i in range(processes)]
        t0 = time.perf_counter()
        results = pool.map(_moderate_chunk, chunks, chunksize=1)
        wall = time.perf_counter() - t0
    done = sum(n for n, _ in results)
    return done / wall, done / max(cpu for _, cpu in results)


def content_cost(texts: list[str]) -> float:
    """CPU milliseconds per comment for the three content checks together (no cache hits)."""
    checks = [c() for c in CHECKS.values()]
    ctx = CheckContext()
    classifier.analyse.cache_clear()
    t0 = time.process_time()
    for t in texts:
        for c in checks:
            c.check(t, ctx)
    return (time.process_time() - t0) * 1000 / len(texts)


def functional_section(metrics: dict[str, float]) -> list[str]:
    """The French functional suite (functional.py) through the whole engine: the rate per
    phenomenon and per split, and the worst failures."""
    outcomes = functional.run(functional.load())
    metrics.update(functional.metrics(outcomes))
    functional.write_failures(outcomes, OUT / "functional.md")
    return functional.report(outcomes)


def _pr_plot(curves: dict[str, Scores], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import precision_recall_curve

    fig, ax = plt.subplots(figsize=(6, 5))
    for name, s in curves.items():
        prec, rec, _ = precision_recall_curve(s.y, s.p)
        ax.plot(rec, prec, label=name)
        m = s.at()
        ax.scatter([m["recall"]], [m["precision"]], s=18)
    ax.set_xlabel("rappel")
    ax.set_ylabel("précision")
    ax.set_title("Parvis : précision-rappel sur données réservées (seuil 0,5 marqué)")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def run(progress: Callable[[str], None] = lambda s: None) -> tuple[dict[str, float], list[str]]:
    from parvis.moderation.engine import get_engine

    root = training.data_dir()
    metrics: dict[str, float] = {}
    lines: list[str] = ["# Parvis moderation evaluation", ""]
    rows = training.split_rows(training.load_rows(root))["test"]
    ctx = CheckContext()

    progress("content rules")
    checks = {name: cls() for name, cls in CHECKS.items()}
    scored = {r.id: {h: checks[h].check(r.text, ctx).score for h in HEADS} for r in rows}
    curves: dict[str, Scores] = {}
    lines += ["## Content rules (test split, threshold 0.5)", ""]
    lines += [
        "| rule | subset | n | positives | precision | recall | F1 | ROC AUC |",
        "|---|---|---|---|---|---|---|---|",
    ]
    subsets: dict[str, Callable[[training.Row], bool]] = {
        "all": lambda r: True,
        "real": lambda r: r.source != "synthetic",
        "synthetic": lambda r: r.source == "synthetic",
        "mlma": lambda r: r.source == "mlma",
        "jigsaw": lambda r: r.source == "jigsaw",
    }
    for head in HEADS:
        for sub, keep in subsets.items():
            sel = [r for r in rows if head in r.targets and keep(r)]
            if not any(r.targets[head] for r in sel):
                continue  # MLMA has no threat label
            s = Scores(
                np.array([r.targets[head] for r in sel]),
                np.array([scored[r.id][head] for r in sel]),
            )
            m = s.at()
            if sub == "all":
                curves[head] = s
                for k in ("precision", "recall", "f1", "roc_auc"):
                    metrics[f"{head}_{k}"] = m[k]
            elif sub == "real":
                curves[f"{head} (réel)"] = s
                metrics[f"{head}_f1_real"] = m["f1"]
                metrics[f"{head}_roc_auc_real"] = m["roc_auc"]
            cells = [head, sub, m["n"], m["pos"]]
            cells += [f"{m[k]:.3f}" for k in ("precision", "recall", "f1", "roc_auc")]
            lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    fp_ud = np.mean([max(scored[r.id].values()) >= THRESHOLD for r in rows if r.source == "ud"])
    metrics["content_flagged_clean_ud"] = float(fp_ud)
    lines += ["", f"Clean UD sentences flagged by a content rule: {fp_ud:.3%}", ""]
    OUT.mkdir(parents=True, exist_ok=True)
    _pr_plot(curves, OUT / "pr_curves.png")
    lines += ["![precision-recall](pr_curves.png)", ""]

    progress("functional suite")
    lines += functional_section(metrics)

    progress("language")
    engine = get_engine()
    engine.warm()
    clean = clean_texts(root)
    noisy_all = [noise.inject(t, 2 + i % 3, SEED) for i, t in enumerate(clean)]
    noisy = [t for t, n in noisy_all if n >= 2]
    lang_clean = np.array([engine.moderate(t).scores.get("language", 0.0) for t in clean])
    lang_noisy = np.array([engine.moderate(t).scores.get("language", 0.0) for t in noisy])
    metrics["language_clean_flagged"] = float((lang_clean >= THRESHOLD).mean())
    metrics["language_recall_2plus"] = float((lang_noisy >= THRESHOLD).mean())
    lines += [
        "## Language",
        "",
        f"- {len(clean)} clean texts (UD GSD/Sequoia test sentences grouped by ~400 characters): "
        f"{metrics['language_clean_flagged']:.1%} flagged.",
        f"- the same texts with 2-4 injected mistakes ({len(noisy)} texts): recall "
        f"{metrics['language_recall_2plus']:.1%}.",
        "",
    ]

    progress("realistic mix")
    mix = realistic_mix(root, rows, clean, noisy)
    verdicts = [engine.moderate(t) for t, _ in mix]
    risk = np.array([v.risk for v in verdicts])
    bad = np.array([b for _, b in mix], dtype=float)
    share, at_risk = approvable_share(risk, bad)
    approved = np.array([v.decision.value == "approve" for v in verdicts])
    metrics["auto_approve_share_1pct"] = share
    metrics["approve_share_default"] = float(approved.mean())
    metrics["approve_wrong_default"] = float(bad[approved].mean()) if approved.any() else 0.0
    lines += [
        "## Auto-approval on a realistic mix",
        "",
        f"{len(mix)} test texts, {int(bad.sum())} breaking a rule "
        "(insult/legal/violence/toxic/2+ mistakes).",
        f"- share auto-approvable with at most 1 % wrong: {share:.1%} (risk < {at_risk:.3f})",
        f"- decision `approve` with the default charter: {approved.mean():.1%} of texts, "
        f"{metrics['approve_wrong_default']:.1%} of them wrong",
        "",
    ]

    progress("throughput")
    bench = [t for t, _ in mix if 250 <= len(t) <= 600] or [t for t, _ in mix]
    bench = (bench * (600 // max(len(bench), 1) + 1))[:600]
    bench = [f"{t} ({i})" for i, t in enumerate(bench)]  # no cache hits
    mean_len = float(np.mean([len(t) for t in bench]))
    metrics["content_checks_ms"] = content_cost(bench)
    metrics["throughput_1proc"], metrics["throughput_1proc_cpu"] = throughput(bench, 1)
    two = throughput(bench + [t + "." for t in bench], 2)
    metrics["throughput_2proc"], metrics["throughput_2proc_cpu"] = two
    lines += [
        "## Cost",
        "",
        f"- content checks (insult + legal + violence): {metrics['content_checks_ms']:.3f} "
        "ms/comment",
        f"- whole engine: {metrics['throughput_1proc']:.0f} comments/s on one process, "
        f"{metrics['throughput_2proc']:.0f} on two (~{mean_len:.0f}-character comments), "
        "wall clock",
        f"- the same by CPU time (no other load): {metrics['throughput_1proc_cpu']:.0f} and "
        f"{metrics['throughput_2proc_cpu']:.0f} comments/s",
        f"- load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs",
        "",
    ]
    model = classifier.model_path()
    metrics["model_mb"] = model.stat().st_size / 1e6
    return metrics, lines


def main() -> None:
    from rich.progress import Progress

    steps = ["content rules", "functional suite", "language", "realistic mix", "throughput"]
    with Progress() as bar:
        task = bar.add_task("evaluation", total=len(steps))
        seen: list[str] = []

        def progress(step: str) -> None:
            if seen:
                bar.advance(task)
            seen.append(step)
            bar.update(task, description=step)

        metrics, lines = run(progress)
        bar.advance(task)
    (OUT / "report.md").write_text("\n".join(lines), encoding="utf-8")
    (OUT / "metrics.json").write_text(json.dumps(metrics, indent=1), encoding="utf-8")
    print(f"report: {(OUT / 'report.md').relative_to(training.REPO)}")
    for k, v in metrics.items():
        print(f"METRIC {k}={v:.4f}")


if __name__ == "__main__":
    main()
