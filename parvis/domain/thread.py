"""Articles (threads): plain data, no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class ModerationMode(StrEnum):
    PRE = "pre"  # nothing appears before a moderator (or the charter's auto-approval) lets it
    POST = "post"  # comments appear at once; moderators remove afterwards


@dataclass(frozen=True, slots=True)
class Thread:
    id: int
    uri: str
    title: str
    closed: bool
    mode: ModerationMode | None  # None: the charter's default mode
    created: datetime
    text: str | None = None  # the article's lead or full text, when the CMS registered it
    published: int = 0  # how many of its comments readers see
    url: str | None = None  # the article's public address, when the CMS registered it
