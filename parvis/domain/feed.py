"""Entries of the Atom feeds: a published comment with its article."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class FeedEntry:
    id: int
    author: str
    created: datetime
    html: str
    uri: str
    title: str
