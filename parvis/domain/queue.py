"""The moderators' queue: its order and its filters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

UNFLAGGED = "none"  # the rule filter's value for comments checked with nothing flagged


class QueueOrder(StrEnum):
    RISK = "risk"  # highest rule score first, then oldest
    OLDEST = "oldest"


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """Narrows the moderators' queue; every field is optional."""

    rule: str | None = None  # a rule id the verdict flagged, or UNFLAGGED
    thread_id: int | None = None
    author: str | None = None
    older_than: datetime | None = None  # posted before this instant
    reported: bool = False  # only comments with readers' reports still open
    unreported: bool = False  # only comments with no reader's report still open


EVERYTHING = QueueFilter()
