"""The publisher's charter: what gets published (DESIGN §3). Plain data, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from parvis.domain.thread import ModerationMode


class BanAction(StrEnum):
    REFUSE = "refuse"  # a banned author's new comment is refused with a neutral message
    HOLD = "hold"  # it is stored, pending, for a moderator


class RejectAction(StrEnum):
    HOLD = "hold"  # reaching `reject` holds the comment for a human
    REFUSE = "refuse"  # reaching `reject` refuses it without a human


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    wording: dict[str, str]  # language code -> public wording
    checks: tuple[str, ...]
    review: float
    reject: float | None
    on_reject: RejectAction = RejectAction.HOLD
    public: bool = True  # shown to readers above the form

    def wording_in(self, lang: str) -> str:
        return (
            self.wording.get(lang)
            or self.wording.get("fr")
            or next(iter(self.wording.values()), "")
        )


@dataclass(frozen=True, slots=True)
class Charter:
    rules: tuple[Rule, ...]
    mode: ModerationMode = ModerationMode.PRE
    auto_approve: bool = False
    intro: dict[str, str] = field(default_factory=dict)
    disclaimer: dict[str, str] = field(default_factory=dict)
    report_threshold: int = 3  # open reports that hide a published comment until reviewed
    ban_action: BanAction = BanAction.REFUSE

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def public_rules(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.public)

    def intro_in(self, lang: str) -> str:
        return self.intro.get(lang) or self.intro.get("fr", "")

    def disclaimer_in(self, lang: str) -> str:
        return self.disclaimer.get(lang) or self.disclaimer.get("fr", "")
