"""Readers' reports ("Alerter") and the moderators' decisions on them.

A reader reports a published comment (or the article) with a reason: one of the charter's
public rules, "spam", or "other" with a short text. One report counts per reader and
target: the reader's cookie id and their client hash each identify them, and a repeated
report is accepted without being counted (the reader is thanked either way, and never
told the outcome).

Past the charter's `report_threshold` open reports, a published comment goes back to
`pending`: every public read already shows published comments only, so it disappears
from the thread, its count and the API at once, and it waits in both queues until a
moderator looks at it. (A separate `hidden` flag would have to be added to every public
query; the status says the same thing.)
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from enum import StrEnum

from parvis.domain.comment import Comment, CommentStatus
from parvis.domain.moderator import Moderator
from parvis.domain.thread import Thread
from parvis.errors import Invalid, NotFound
from parvis.services import notifications
from parvis.services.limits import enforce_rate_limit
from parvis.services.moderating import require_published_parent
from parvis.services.runtime import Runtime
from parvis.services.validation import clean_uri
from parvis.store import audit, comments, reports, threads
from parvis.store.reports import NewReport

OTHER = "other"
SPAM = "spam"
MAX_NOTE = 300
RATE_LIMIT = 10  # reports per client
RATE_WINDOW = 600  # seconds
HIDE = "report-hide"  # the audit action when reports hide a comment


class ReportAction(StrEnum):
    DISMISS = "approve"  # keep (or put back) the comment; the reports are closed
    REMOVE = "reject"  # remove the comment


@dataclass(frozen=True, slots=True)
class ReportInput:
    uri: str
    comment: int | None  # None: the article itself
    reason: str
    note: str | None = None


@dataclass(frozen=True, slots=True)
class ReportItem:
    thread: Thread
    comment: Comment | None
    count: int
    reasons: dict[str, int]
    notes: list[str]


def reasons(rt: Runtime) -> list[str]:
    """The reasons a reader may give: the charter's public rules, spam, other."""
    ids = [r.id for r in rt.charter.public_rules() if r.id not in (SPAM, OTHER)]
    return [*ids, SPAM, OTHER]


def reader_key(rt: Runtime, cookie_id: str) -> str:
    key = rt.settings.security.secret_key.encode()
    return hmac.new(key, b"reader:" + cookie_id.encode(), hashlib.sha256).hexdigest()[:32]


def report(rt: Runtime, data: ReportInput, cookie_id: str, client_address: str) -> bool:
    """Store a reader's report; returns whether it counted (False: a repeat)."""
    uri = clean_uri(rt, data.uri)
    reason = data.reason.strip()
    if reason not in reasons(rt):
        raise Invalid("choose a reason for your report", field="reason", code="reason_invalid")
    note = " ".join((data.note or "").split()) or None
    if note and len(note) > MAX_NOTE:
        raise Invalid(
            "the note is too long ({limit} characters at most)",
            field="note",
            code="note_too_long",
            limit=MAX_NOTE,
        )
    if reason == OTHER and not note:
        raise Invalid("say in a few words what is wrong", field="note", code="note_missing")
    client = rt.client_hash(client_address)
    enforce_rate_limit(rt, f"report:{client}", RATE_LIMIT, RATE_WINDOW)
    now = rt.now()
    with rt.db.write() as conn:
        thread = threads.get_by_uri(conn, uri)
        if thread is None:
            raise NotFound("no such article", field="uri")
        if data.comment is not None:
            comment = comments.get(conn, data.comment)
            if comment is None or comment.thread_id != thread.id:
                raise NotFound("no such comment", field="comment")
            if comment.status != CommentStatus.PUBLISHED:
                return False  # already hidden or decided (a stale page): thanked, not counted
        counted = reports.add(
            conn,
            NewReport(
                thread_id=thread.id,
                comment_id=data.comment,
                reason=reason,
                note=note,
                reader=reader_key(rt, cookie_id),
                client_hash=client,
                created=now,
            ),
        )
        if not counted:
            return False
        audit.record(
            conn,
            at=now,
            action="report",
            comment_id=data.comment,
            thread_id=thread.id,
            rule=reason,
            note=note,
        )
        if data.comment is not None:
            notifications.report_received(rt, conn, data.comment, reason)
            open_reports = reports.count_open(conn, thread.id, data.comment)
            if open_reports >= rt.charter.report_threshold:
                comments.set_status(conn, data.comment, CommentStatus.PENDING, now, decided=False)
                audit.record(
                    conn,
                    at=now,
                    action=HIDE,
                    comment_id=data.comment,
                    thread_id=thread.id,
                    note=f"{open_reports} signalements",
                )
    return True


def queue(rt: Runtime, limit: int = 50, offset: int = 0) -> tuple[list[ReportItem], int]:
    """Reported comments and articles, most reported first, then riskiest."""
    with rt.db.read() as conn:
        targets = reports.queue(conn, limit, offset)
        total = reports.count_queue(conn)
        thread_map = {t.id: t for t in threads.get_many(conn, {t.thread_id for t in targets})}
        found = comments.get_many(conn, {t.comment_id for t in targets if t.comment_id})
    items = [
        ReportItem(
            thread=thread_map[t.thread_id],
            comment=found.get(t.comment_id) if t.comment_id else None,
            count=t.count,
            reasons=t.reasons,
            notes=t.notes,
        )
        for t in targets
    ]
    return items, total


def decide(
    rt: Runtime,
    moderator: Moderator,
    action: str,
    *,
    comment_id: int | None = None,
    thread_id: int | None = None,
) -> None:
    """Close the reports on a comment, keeping it (republished if the reports hid it) or
    removing it; or close the reports on an article. One transaction, audited."""
    try:
        act = ReportAction(action)
    except ValueError:
        raise Invalid("action must be 'approve' or 'reject'", field="action") from None
    now = rt.now()
    with rt.db.write() as conn:
        if comment_id is None:
            thread = threads.get(conn, thread_id) if thread_id is not None else None
            if thread is None:
                raise NotFound("no such article", field="thread")
            if act == ReportAction.REMOVE:
                raise Invalid("action must be 'approve' or 'reject'", field="action")
            closed = reports.resolve(conn, thread.id, None, now)
            audit.record(
                conn,
                at=now,
                action="reports-dismiss",
                moderator_id=moderator.id,
                thread_id=thread.id,
                note=f"{closed} signalements",
            )
            return
        comment = comments.get(conn, comment_id)
        if comment is None or comment.status == CommentStatus.DELETED:
            raise NotFound("no such comment", field="id")
        target = CommentStatus.PUBLISHED if act == ReportAction.DISMISS else CommentStatus.REJECTED
        if target == CommentStatus.PUBLISHED:
            require_published_parent(conn, comment)
        if comment.status != target:
            comments.set_status(conn, comment_id, target, now)
            # Followers were told when it was first published; reports only hid it.
            hidden = any(e.action == HIDE for e in audit.for_comment(conn, comment_id))
            if target == CommentStatus.PUBLISHED and not hidden:
                notifications.comment_published(rt, conn, comment_id)
        closed = reports.resolve(conn, comment.thread_id, comment_id, now)
        audit.record(
            conn,
            at=now,
            action="reports-dismiss" if act == ReportAction.DISMISS else "reports-remove",
            moderator_id=moderator.id,
            comment_id=comment_id,
            thread_id=comment.thread_id,
            note=f"{closed} signalements",
        )


def target(rt: Runtime, uri: str, comment_id: int | None) -> tuple[Thread, Comment | None]:
    """What the reader is about to report: the article, and the comment if it is still
    published (a hidden or removed one is not shown, and the page does not say why)."""
    with rt.db.read() as conn:
        thread = threads.get_by_uri(conn, clean_uri(rt, uri))
        comment = comments.get(conn, comment_id) if comment_id is not None else None
    if thread is None:
        raise NotFound("no such article", field="uri")
    if comment_id is not None and (comment is None or comment.thread_id != thread.id):
        raise NotFound("no such comment", field="comment")
    return thread, comment if comment and comment.status == CommentStatus.PUBLISHED else None
