"""The JSON shapes of the API (DESIGN §6): decoded and encoded by msgspec, and the
source of the OpenAPI document."""

from __future__ import annotations

import msgspec


class CommentIn(msgspec.Struct):
    uri: str
    author: str
    text: str
    email: str | None = None
    parent: int | None = None
    title: str | None = None
    notify_replies: bool = False  # mail the author when a reply is published (needs email)


class SubscriptionIn(msgspec.Struct):
    uri: str
    email: str
    mode: str = "immediate"  # or "digest": one mail a day
    lang: str | None = None  # the mails' language; default: the request's
    page: str | None = None  # the page the reader follows from, to go back to after confirming


class SubscriptionOut(msgspec.Struct):
    status: str  # "confirmation_sent"


class CommentEdit(msgspec.Struct):
    text: str


class CheckIn(msgspec.Struct):
    text: str
    uri: str | None = None


class DecisionIn(msgspec.Struct):
    action: str
    note: str | None = None


class CommentOut(msgspec.Struct):
    id: int
    parent: int | None
    author: str
    created: str
    html: str
    replies: list[CommentOut]


class ThreadOut(msgspec.Struct):
    uri: str
    total: int
    comments: list[CommentOut]
    next: str | None


class PostedOut(msgspec.Struct):
    id: int
    status: str
    edit_token: str
    edit_seconds: int
    checking: bool  # true: pending until the charter's checks have run (GET it again)


class EditedOut(msgspec.Struct):
    id: int
    status: str
    html: str
    checking: bool


class CountsOut(msgspec.Struct):
    counts: dict[str, int]


class EvidenceOut(msgspec.Struct, omit_defaults=True):
    start: int
    end: int
    text: str
    note: str
    suggestions: list[str] = []


class FlagOut(msgspec.Struct):
    rule: str
    score: float
    evidence: list[EvidenceOut]


class VerdictOut(msgspec.Struct):
    decision: str
    flags: list[FlagOut]
    scores: dict[str, float]


class DecisionOut(msgspec.Struct):
    id: int
    status: str


class ErrorDetail(msgspec.Struct):
    code: str
    message: str
    field: str | None


class ErrorOut(msgspec.Struct):
    error: ErrorDetail


class ReportIn(msgspec.Struct):
    uri: str
    reason: str  # a public charter rule id, "spam" or "other"
    comment: int | None = None  # None: report the article itself
    note: str | None = None  # a few words, needed with "other" (300 characters at most)


class ReportOut(msgspec.Struct):
    status: str  # always "received": a reader is never told more
    message: str


class ArticleIn(msgspec.Struct):
    uri: str
    title: str
    text: str | None = None
    url: str | None = None  # the article's public address on the publisher's site


class ArticleOut(msgspec.Struct):
    uri: str
    title: str
    closed: bool
    mode: str | None
