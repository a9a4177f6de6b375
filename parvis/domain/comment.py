"""Comments: plain data, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from parvis.domain.verdict import Verdict


class CommentStatus(StrEnum):
    PENDING = "pending"
    PUBLISHED = "published"
    REJECTED = "rejected"
    DELETED = "deleted"


@dataclass(frozen=True, slots=True)
class Comment:
    id: int  # the global, increasing number shown as the permalink (#3553816)
    thread_id: int
    parent_id: int | None
    root_id: int | None
    author: str
    email: str | None  # kept for notifications, never shown
    text: str  # the source as typed
    html: str  # rendered once at write time, sanitised
    status: CommentStatus
    created: datetime
    modified: datetime | None = None
    client_hash: str = ""
    verdict: Verdict | None = None
    risk: float = 0.0
    checking: bool = False  # the charter's checks have not run yet (the moderation queue)


@dataclass(frozen=True, slots=True)
class PublicComment:
    """A published comment as readers see it, with its published replies."""

    id: int
    parent_id: int | None
    root_id: int | None
    author: str
    created: datetime
    html: str
    replies: list[PublicComment] = field(default_factory=list)
