"""What the moderation engine says about a text: plain data, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Decision(StrEnum):
    APPROVE = "approve"
    REVIEW = "review"
    REJECT = "reject"


@dataclass(frozen=True, slots=True)
class Evidence:
    """A span of the checked text, [start, end) in Python str indices."""

    start: int
    end: int
    text: str
    note: str
    suggestions: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "note": self.note,
        }
        if self.suggestions:
            d["suggestions"] = list(self.suggestions)
        return d


@dataclass(frozen=True, slots=True)
class CheckResult:
    score: float
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True, slots=True)
class CheckContext:
    """What a check may know besides the text (all optional)."""

    title: str | None = None
    article_text: str | None = None
    recent_texts: tuple[str, ...] = ()  # recent comments (thread or author) for duplicate detection
    author_recent_count: int = 0  # comments by the same client in the last hour


@dataclass(frozen=True, slots=True)
class Flag:
    rule: str
    score: float
    evidence: tuple[Evidence, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "score": round(self.score, 4),
            "evidence": [e.to_dict() for e in self.evidence],
        }


@dataclass(frozen=True, slots=True)
class Verdict:
    decision: Decision
    flags: tuple[Flag, ...] = ()
    scores: dict[str, float] = field(default_factory=dict)

    @property
    def risk(self) -> float:
        """The highest rule score: how the moderators' queue is ordered."""
        return max(self.scores.values(), default=0.0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "decision": self.decision.value,
            "flags": [f.to_dict() for f in self.flags],
            "scores": {k: round(v, 4) for k, v in self.scores.items()},
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Verdict:
        return cls(
            decision=Decision(d["decision"]),
            flags=tuple(
                Flag(
                    rule=f["rule"],
                    score=float(f["score"]),
                    evidence=tuple(
                        Evidence(
                            start=e["start"],
                            end=e["end"],
                            text=e["text"],
                            note=e.get("note", ""),
                            suggestions=tuple(e.get("suggestions", ())),
                        )
                        for e in f.get("evidence", ())
                    ),
                )
                for f in d.get("flags", ())
            ),
            scores={k: float(v) for k, v in d.get("scores", {}).items()},
        )
