"""The moderation pipeline: run the charter's checks, apply its thresholds (DESIGN §3)."""

from __future__ import annotations

import logging
import threading
from functools import cache

from parvis.domain.charter import Charter
from parvis.domain.verdict import CheckContext, CheckResult, Decision, Evidence, Flag, Verdict
from parvis.infra.memory import release_free_memory
from parvis.moderation.charter import load_charter
from parvis.moderation.checks.base import Check, create_check

log = logging.getLogger(__name__)

_EMPTY_CONTEXT = CheckContext()


class Engine:
    def __init__(self, charter: Charter) -> None:
        self.charter = charter
        names = dict.fromkeys(name for rule in charter.rules for name in rule.checks)
        self.checks: dict[str, Check] = {name: shared_check(name) for name in names}

    def warm(self) -> None:
        """Load every model now rather than on the first comment, then give the memory
        that loading used and freed back to the system."""
        for check in self.checks.values():
            load = getattr(check, "load", None)
            if load is not None:
                load()
        self.moderate("Bonjour, ceci est un commentaire.")
        release_free_memory()

    def moderate(self, text: str, context: CheckContext | None = None) -> Verdict:
        context = context or _EMPTY_CONTEXT
        results: dict[str, CheckResult] = {
            name: check.check(text, context) for name, check in self.checks.items()
        }
        flags: list[Flag] = []
        scores: dict[str, float] = {}
        decision = Decision.APPROVE
        for rule in self.charter.rules:
            rule_results = [results[name] for name in rule.checks]
            score = max((r.score for r in rule_results), default=0.0)
            scores[rule.id] = score
            if score < rule.review:
                continue
            flags.append(Flag(rule.id, score, _evidence(rule_results)))
            if rule.reject is not None and score >= rule.reject:
                decision = Decision.REJECT
            elif decision is Decision.APPROVE:
                decision = Decision.REVIEW
        return Verdict(decision, tuple(flags), scores)


def _evidence(results: list[CheckResult]) -> tuple[Evidence, ...]:
    seen: dict[tuple[int, int, str], Evidence] = {}
    for result in results:
        for e in result.evidence:
            seen.setdefault((e.start, e.end, e.note), e)
    return tuple(sorted(seen.values(), key=lambda e: (e.start, e.end)))


_checks: dict[str, Check] = {}
_checks_lock = threading.Lock()


def shared_check(name: str) -> Check:
    """One instance of each check per process: they hold the loaded models."""
    with _checks_lock:
        if name not in _checks:
            _checks[name] = create_check(name)
        return _checks[name]


_engines: dict[int, tuple[Charter, Engine]] = {}
_engines_lock = threading.Lock()


@cache
def default_charter() -> Charter:
    return load_charter(None)


def get_engine(charter: Charter | None = None) -> Engine:
    charter = charter if charter is not None else default_charter()
    with _engines_lock:
        cached = _engines.get(id(charter))
        if cached is None or cached[0] is not charter:
            cached = (charter, Engine(charter))
            _engines[id(charter)] = cached
        return cached[1]
