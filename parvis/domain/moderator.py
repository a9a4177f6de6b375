"""The team: moderators, their roles and the alerts each one chose."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    MODERATOR = "moderator"
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class Moderator:
    id: int
    name: str
    role: Role
    password_hash: str
    disabled: bool


class AlertKind(StrEnum):
    QUEUE = "queue"  # the pending queue passed its threshold
    WAIT = "wait"  # the oldest pending comment waited too long
    REPORTS = "reports"  # a reader reported a comment


@dataclass(frozen=True, slots=True)
class AlertPrefs:
    moderator_id: int
    name: str
    email: str | None
    kinds: frozenset[AlertKind]
