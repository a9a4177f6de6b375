"""Bans: who may no longer post, by which trait, until when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class BanKind(StrEnum):
    EMAIL = "email"  # value: a keyed hash of the lower-cased address
    CLIENT = "client"  # value: the client hash (itself a keyed hash of the address)
    AUTHOR = "author"  # value: the normalised pseudonym


@dataclass(frozen=True, slots=True)
class Ban:
    id: int
    kind: BanKind
    value: str
    author: str | None
    reason: str
    created: datetime
    expires: datetime | None
    moderator: str | None
    lifted: datetime | None
