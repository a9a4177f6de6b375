"""The audit log: every decision, human or automatic, and how the team searches it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: datetime
    moderator: str | None  # None: decided automatically by the charter
    action: str
    comment_id: int | None
    thread_id: int | None
    rule: str | None
    note: str | None
    batch: str | None = None  # the bulk approval it was part of


AUTOMATIC = "auto"  # the moderator filter's value for the charter's own decisions
NO_RULE = "none"


@dataclass(frozen=True, slots=True)
class AuditFilter:
    moderator: int | str | None = None  # a moderator's id, or AUTOMATIC
    action: str | None = None
    rule: str | None = None  # a rule id, or NO_RULE
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive
    thread_id: int | None = None


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """An entry with what the page shows beside it."""

    entry: AuditEntry
    thread_uri: str | None
    thread_title: str | None
    comment_author: str | None
    comment_status: str | None
