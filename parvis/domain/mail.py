"""Mails of the outbox: to be sent, and as stored with their delivery state."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class MailStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    DEAD = "dead"


@dataclass(frozen=True, slots=True)
class NewMail:
    kind: str
    recipient: str
    subject: str
    text: str
    html: str
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Mail:
    id: int
    kind: str
    recipient: str
    subject: str
    text: str
    html: str
    headers: dict[str, str]
    status: MailStatus
    attempts: int
    next_attempt_at: datetime
    created: datetime
    last_error: str | None
    sent_at: datetime | None
    message_id: str | None
