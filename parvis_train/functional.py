"""The French functional suite of the moderation engine: hand-written contrastive cases.

`functional_fr.jsonl` holds one case a line, written by the Parvis team for this purpose
(not taken from any public suite or data set):

- `id`: the phenomenon and a hash of the text (stable when cases are reordered);
- `phenomenon`: the behaviour it probes, one of `PHENOMENA`;
- `target`: whom the text is about (a protected group, `person`, `public_figure`, ...);
- `text`: the comment;
- `rules`: the rules of the default charter that must flag it, exactly: every other rule
  must stay under its review threshold ...
- `optional`: ... except these, which may flag it or not (a disguised insult is also a
  spelling mistake);
- `pair`: cases that differ only by target, negation, quotation or disguise share it;
- `split`: `test` for about a third of the pairs, chosen by a hash of the pair (or of the
  id), so that tuning on `dev` can be checked for overfitting on `test`.

A case is right when the engine flags every rule of `rules` and no rule outside
`rules` + `optional`. `python -m parvis_train.functional` runs the suite and prints its
rates; `make eval` includes them.
"""

from __future__ import annotations

import json
import math
import sys
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from parvis.domain.verdict import Verdict

SUITE = Path(__file__).with_name("functional_fr.jsonl")
RULES = ("legal", "violence", "insult", "language", "spam")

# The phenomena, in report order, with what a right answer is.
PHENOMENA: dict[str, str] = {
    "group_neutral": "neutral mention of a protected group: clean",
    "group_positive": "praise of a protected group: clean",
    "derogation": "negative generalisation about a protected group: legal",
    "dehumanisation": "a protected group likened to animals, vermin, disease, filth: legal",
    "implicit_derogation": "derogation implied by a stereotype, no insulting word: legal",
    "negated_positive": "hate said by denying a group something positive: legal",
    "exclusion": "a protected group told to leave or kept out: legal",
    "threat_group": "threat or call to harm a protected group: legal + violence",
    "hate_as_question": "hate phrased as a question: legal",
    "negated_hate": "hateful claim negated: clean",
    "questioned_hate": "hateful claim questioned or refuted: clean",
    "counter_speech": "hate quoted or reported in order to condemn it: clean",
    "slur": "slur for a protected group (insult too when thrown at a person): legal",
    "slur_mention": "slur discussed as a word, or reported: clean",
    "coded_trope": "coded trope or conspiracy formula, names often misspelt: legal",
    "trope_neutral": "the names of tropes in a neutral, factual use: clean",
    "hate_disguised": "hate with a disguised group name or word: legal (language may flag)",
    "threat_person": "direct threat against a person: violence",
    "threat_veiled": "veiled threat against a person: violence",
    "call_violence": "call to harm a person, a public figure or a non-protected group: violence",
    "threat_lookalike": "benign text shaped like a threat (a warning, a vote, a lawsuit): clean",
    "news_violence": "reporting or condemning violence: clean",
    "violence_idiom": "violent words used figuratively: clean",
    "insult_mild": "mild insult aimed at a person: insult",
    "insult_gendered": "gendered insult aimed at a person: insult",
    "insult_strong": "strong insult aimed at a person: insult",
    "insult_frame": "insult frames (espèce de, bande de, pour un X comme toi): insult",
    "insult_disguised": "disguised insult (spaces, dots, leet, letters, homoglyphs): insult",
    "insult_nonprotected": "abuse aimed at a non-protected group: insult, not legal",
    "insult_reported": "an insult reported, quoted or negated: clean",
    "insult_lookalike": "benign text shaped like an insult (espèce de lézard...): clean",
    "profanity_untargeted": "swearing aimed at nobody, at oneself or at an object: clean",
    "criticism": "criticism of ideas, institutions, public figures without abuse: clean",
    "spam": "advertising: spam",
    "link_clean": "a link or a commercial word in an ordinary comment: clean",
    "language_conjugation": "one conjugation mistake: language",
    "language_agreement": "one agreement mistake (subject-verb, noun-adjective): language",
    "language_homophone": "one homophone mistake (a/à, ces/ses, et/est, on/ont...): language",
    "language_participle": "one participle / infinitive mistake (é/er/ez/it): language",
    "language_no_accents": "a text typed without accents: language",
    "language_clean": "clean edited French with names, figures and quotations: clean",
}


def split_of(key: str) -> str:
    """`test` for about a third of the keys (a pair id, or a case id when unpaired)."""
    return "test" if zlib.crc32(key.encode()) % 3 == 0 else "dev"


@dataclass(frozen=True, slots=True)
class Case:
    id: str
    phenomenon: str
    target: str
    text: str
    rules: frozenset[str]
    optional: frozenset[str] = frozenset()
    pair: str | None = None
    split: str = "dev"


@dataclass(frozen=True, slots=True)
class Outcome:
    case: Case
    flagged: frozenset[str]
    scores: dict[str, float]
    review: dict[str, float]  # the charter's review threshold per rule

    @property
    def missing(self) -> frozenset[str]:
        return self.case.rules - self.flagged

    @property
    def extra(self) -> frozenset[str]:
        return self.flagged - self.case.rules - self.case.optional

    @property
    def right(self) -> bool:
        return not self.missing and not self.extra

    @property
    def hate_right(self) -> bool:
        """Right on the question a hate-speech suite asks: hateful (legal or violence) or not."""
        hate = {"legal", "violence"}
        got = bool(self.flagged & hate)
        return got == bool(self.case.rules & hate) or (got and bool(self.case.optional & hate))

    @property
    def margin(self) -> float:
        """How far the worst wrong rule is from its threshold (0 when right)."""
        wrong = self.missing | self.extra
        return max((abs(self.scores.get(r, 0.0) - self.review[r]) for r in wrong), default=0.0)


def _case(d: dict[str, object], line: int) -> Case:
    try:
        case = Case(
            id=str(d["id"]),
            phenomenon=str(d["phenomenon"]),
            target=str(d["target"]),
            text=str(d["text"]),
            rules=frozenset(_strings(d["rules"])),
            optional=frozenset(_strings(d.get("optional", []))),
            pair=None if d.get("pair") is None else str(d["pair"]),
            split=str(d["split"]),
        )
    except KeyError as e:
        raise ValueError(f"line {line}: no {e}") from None
    problems = []
    if case.phenomenon not in PHENOMENA:
        problems.append(f"unknown phenomenon {case.phenomenon!r}")
    if not case.rules | case.optional <= set(RULES):
        problems.append(f"unknown rule in {sorted(case.rules | case.optional)}")
    if case.rules & case.optional:
        problems.append("a rule both required and optional")
    if case.split != split_of(case.pair or case.id):
        problems.append(f"split should be {split_of(case.pair or case.id)!r}")
    if not case.text.strip():
        problems.append("empty text")
    if problems:
        raise ValueError(f"line {line} ({case.id}): {'; '.join(problems)}")
    return case


def _strings(value: object) -> list[str]:
    if not isinstance(value, list):
        raise ValueError(f"expected a list of rule names, got {value!r}")
    return [str(v) for v in value]


def load(path: Path = SUITE) -> list[Case]:
    """The suite's cases, checked: known phenomena and rules, the split the hash gives,
    unique ids and texts."""
    cases: list[Case] = []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                cases.append(_case(json.loads(line), n))
    for attr in ("id", "text"):
        values = [getattr(c, attr) for c in cases]
        dupes = {v for v in values if values.count(v) > 1}
        if dupes:
            raise ValueError(f"duplicate {attr}: {sorted(dupes)[:3]}")
    return cases


def judge(case: Case, verdict: Verdict, review: dict[str, float]) -> Outcome:
    flagged = frozenset(f.rule for f in verdict.flags) & set(RULES)
    return Outcome(case, flagged, dict(verdict.scores), review)


def run(
    cases: Iterable[Case],
    moderate: Callable[[str], Verdict] | None = None,
) -> list[Outcome]:
    """Each case through the engine of the default charter (or `moderate`)."""
    from parvis.moderation.engine import get_engine

    engine = get_engine()
    review = {rule.id: rule.review for rule in engine.charter.rules}
    moderate = moderate or engine.moderate
    return [judge(c, moderate(c.text), review) for c in cases]


def rate(outcomes: Iterable[Outcome]) -> float:
    got = [o.right for o in outcomes]
    return sum(got) / len(got) if got else float("nan")


def by(outcomes: Iterable[Outcome], key: Callable[[Outcome], str]) -> dict[str, list[Outcome]]:
    groups: dict[str, list[Outcome]] = {}
    for o in outcomes:
        groups.setdefault(key(o), []).append(o)
    return groups


def metrics(outcomes: list[Outcome]) -> dict[str, float]:
    """`functional_<phenomenon>` rates, overall, per split (dev / test), and the share of
    content cases right on the hateful-or-not question alone."""
    out = {"functional_overall": rate(outcomes)}
    content = [
        o for o in outcomes if not o.case.phenomenon.startswith(("language", "spam", "link"))
    ]
    out["functional_hate_binary"] = sum(o.hate_right for o in content) / max(len(content), 1)
    for split, group in sorted(by(outcomes, lambda o: o.case.split).items()):
        out[f"functional_split_{split}"] = rate(group)
    groups = by(outcomes, lambda o: o.case.phenomenon)
    for phen in PHENOMENA:
        if phen in groups:
            out[f"functional_{phen}"] = rate(groups[phen])
    return out


def describe(o: Outcome) -> str:
    """`missed legal 0.12, extra insult 0.80`: what is wrong and the scores."""
    parts = [f"missed {r} {o.scores.get(r, 0.0):.2f}" for r in sorted(o.missing)]
    parts += [f"extra {r} {o.scores.get(r, 0.0):.2f}" for r in sorted(o.extra)]
    return ", ".join(parts)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def report(outcomes: list[Outcome], worst: int = 40) -> list[str]:
    """Markdown: the rate per phenomenon (all, dev, test) with its commonest errors, per
    target, and the worst failures (farthest from their threshold)."""
    lines = ["## Functional suite (hand-written French contrastive cases)", ""]
    lines += [
        f"{len(outcomes)} cases; right {rate(outcomes):.1%} overall. A case is right when "
        "exactly its expected rules are flagged (`parvis_train/functional_fr.jsonl`).",
        "",
        "| phenomenon | cases | right | dev | test | commonest errors |",
        "|---|---|---|---|---|---|",
    ]
    groups = by(outcomes, lambda o: o.case.phenomenon)
    for phen in PHENOMENA:
        group = groups.get(phen, [])
        if not group:
            continue
        splits = by(group, lambda o: o.case.split)
        errors: dict[str, int] = {}
        for o in group:
            for r in o.missing:
                errors[f"missed {r}"] = errors.get(f"missed {r}", 0) + 1
            for r in o.extra:
                errors[f"extra {r}"] = errors.get(f"extra {r}", 0) + 1
        common = ", ".join(f"{k} ×{v}" for k, v in sorted(errors.items(), key=lambda kv: -kv[1]))
        cells = [phen, str(len(group)), f"{rate(group):.0%}"]
        cells += [f"{rate(splits[s]):.0%}" if s in splits else "–" for s in ("dev", "test")]
        lines.append("| " + " | ".join([*cells, common]) + " |")
    lines += ["", "| target | cases | right |", "|---|---|---|"]
    for target, group in sorted(by(outcomes, lambda o: o.case.target).items()):
        lines.append(f"| {target} | {len(group)} | {rate(group):.0%} |")
    failed = sorted((o for o in outcomes if not o.right), key=lambda o: -o.margin)
    lines += ["", f"### The {min(worst, len(failed))} worst failures", ""]
    lines += ["| phenomenon | text | error |", "|---|---|---|"]
    for o in failed[:worst]:
        lines.append(f"| {o.case.phenomenon} | {_cell(o.case.text)} | {describe(o)} |")
    return [*lines, ""]


def write_failures(outcomes: list[Outcome], path: Path) -> None:
    """The report, then every failure by phenomenon, to `path`."""
    lines = [*report(outcomes), "### Every failure", ""]
    for phen, group in by(outcomes, lambda o: o.case.phenomenon).items():
        lines += [f"- {phen}: {o.case.text} ({describe(o)})" for o in group if not o.right]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def floors(figures: dict[str, float]) -> str:
    """The rates rounded down to the percent, as the FLOORS table of the tests."""
    rows = [
        f'    "{k.removeprefix("functional_")}": {math.floor(v * 100) / 100:.2f},'
        for k, v in figures.items()
        if k.removeprefix("functional_") in PHENOMENA
    ]
    return "\n".join(["FLOORS: dict[str, float] = {", *rows, "}"])


def main() -> None:
    """Run the suite alone (a few seconds): its METRIC lines, and var/eval/functional.md;
    with --floors, the floors for tests/moderation/test_functional_suite.py instead."""
    repo = Path(__file__).resolve().parents[1]
    outcomes = run(load())
    figures = metrics(outcomes)
    if sys.argv[1:] == ["--floors"]:
        print(floors(figures))
        return
    path = repo / "var" / "eval" / "functional.md"
    write_failures(outcomes, path)
    print(f"report: {path.relative_to(repo)}")
    for k, v in figures.items():
        print(f"METRIC {k}={v:.4f}")


if __name__ == "__main__":
    main()
