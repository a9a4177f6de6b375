"""The moderators' decisions and their queue."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import Connection

from parvis.domain.comment import Comment, CommentStatus
from parvis.domain.moderator import Moderator
from parvis.domain.queue import EVERYTHING, UNFLAGGED, QueueFilter, QueueOrder
from parvis.domain.thread import Thread
from parvis.errors import Conflict, Invalid, NotFound
from parvis.services import notifications
from parvis.services.runtime import Runtime
from parvis.store import audit, comments, reports, threads


class Action(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"


UNDO_SECONDS = 10
# Audit actions after which a comment has already been announced to its followers.
ANNOUNCING_ACTIONS = ("approve", "auto-approve", "report-hide", "reports-dismiss")
HISTORY_SIZE = 200  # recent comments looked at to build the authors' history of a queue page
_TARGET = {Action.APPROVE: CommentStatus.PUBLISHED, Action.REJECT: CommentStatus.REJECTED}


@dataclass(frozen=True, slots=True)
class AuthorHistory:
    """What the team already knows of a comment's author (same client or same pseudonym)."""

    earlier: list[Comment]  # the most recent ones, newest first
    published: int
    rejected: int
    pending: int


@dataclass(frozen=True, slots=True)
class QueueItem:
    comment: Comment
    thread: Thread
    parent: Comment | None  # the comment it answers
    history: AuthorHistory | None = None


def decide(
    rt: Runtime, moderator: Moderator, comment_id: int, action: str, note: str | None = None
) -> Comment:
    try:
        act = Action(action)
    except ValueError:
        raise Invalid("action must be 'approve' or 'reject'", field="action") from None
    with rt.db.write() as conn:
        return decide_in(rt, conn, moderator, comment_id, act, note)


def decide_in(
    rt: Runtime,
    conn: Connection,
    moderator: Moderator,
    comment_id: int,
    act: Action,
    note: str | None = None,
    batch: str | None = None,
) -> Comment:
    """One decision inside the caller's transaction (a batch, a ban that rejects the
    author's pending comments); raises before writing anything when the comment cannot
    take it."""
    now = rt.now()
    comment = comments.get(conn, comment_id)
    if comment is None or comment.status == CommentStatus.DELETED:
        raise NotFound("no such comment", field="id")
    target = _TARGET[act]
    if comment.status == target:
        return comment  # idempotent: a repeated click or retried API call changes nothing
    if act == Action.APPROVE:
        require_published_parent(conn, comment)
    # Followers hear of a comment once: not again when a comment hidden by readers'
    # reports, or an undone approval, is approved anew.
    announced = audit.has_action(conn, comment_id, ANNOUNCING_ACTIONS)
    comments.set_status(conn, comment_id, target, now)
    reports.resolve(conn, comment.thread_id, comment_id, now)  # a moderator looked at it
    if target == CommentStatus.PUBLISHED and not announced:
        notifications.comment_published(rt, conn, comment_id)
    top = (
        max(comment.verdict.flags, key=lambda f: f.score, default=None) if comment.verdict else None
    )
    audit.record(
        conn,
        at=now,
        action=act.value,
        moderator_id=moderator.id,
        comment_id=comment_id,
        thread_id=comment.thread_id,
        rule=top.rule if top else None,
        note=(note or "").strip()[:500] or None,
        batch=batch,
    )
    updated = comments.get(conn, comment_id)
    assert updated is not None
    return updated


def require_published_parent(conn: Connection, comment: Comment) -> None:
    """A reply is only published under a published comment."""
    if comment.parent_id is None:
        return
    parent = comments.get(conn, comment.parent_id)
    if parent is None or parent.status != CommentStatus.PUBLISHED:
        raise Conflict(
            "approve the comment it answers first", field="parent", code="parent_not_published"
        )


MAX_AGE_HOURS = 24 * 366 * 10  # the queue's age filter: ten years at most


def queue_filter(
    rt: Runtime,
    *,
    rule: str | None = None,
    thread_id: int | None = None,
    author: str | None = None,
    older_hours: int | None = None,
    reported: bool = False,
) -> QueueFilter:
    """The moderators' filters as asked for; a value the queue cannot mean is left out
    (an unknown rule, an age of zero), never an error: they come from a query string."""
    if rule not in (UNFLAGGED, *(r.id for r in rt.charter.rules)):
        rule = None
    older_than = None
    if older_hours is not None and older_hours > 0:
        older_than = rt.now() - timedelta(hours=min(older_hours, MAX_AGE_HOURS))
    return QueueFilter(
        rule=rule,
        thread_id=thread_id,
        author=(author or "").strip() or None,
        older_than=older_than,
        reported=reported,
    )


def queue(
    rt: Runtime,
    limit: int = 50,
    offset: int = 0,
    order: QueueOrder = QueueOrder.RISK,
    where: QueueFilter = EVERYTHING,
) -> tuple[list[QueueItem], int]:
    """Pending comments (riskiest first by default), with their article, the comment
    answered and the author's history; a bounded number of statements per page."""
    with rt.db.read() as conn:
        pending = comments.pending(conn, limit, offset, order, where)
        total = comments.count_pending(conn, where)
        thread_map = {t.id: t for t in threads.get_many(conn, {c.thread_id for c in pending})}
        parents = comments.get_many(conn, {c.parent_id for c in pending if c.parent_id})
        known = comments.by_authors(
            conn, (c.client_hash for c in pending), (c.author for c in pending), HISTORY_SIZE
        )
    items = [
        QueueItem(
            c,
            thread_map[c.thread_id],
            parents.get(c.parent_id) if c.parent_id else None,
            _history(c, known),
        )
        for c in pending
    ]
    return items, total


def _history(comment: Comment, known: list[Comment]) -> AuthorHistory:
    mine = [
        k
        for k in known
        if k.id != comment.id
        and ((k.client_hash and k.client_hash == comment.client_hash) or k.author == comment.author)
    ]
    status = [k.status for k in mine]
    return AuthorHistory(
        earlier=mine[:5],
        published=status.count(CommentStatus.PUBLISHED),
        rejected=status.count(CommentStatus.REJECTED),
        pending=status.count(CommentStatus.PENDING),
    )


def undo(rt: Runtime, moderator: Moderator, comment_id: int) -> Comment:
    """Take back one's own decision within UNDO_SECONDS: the comment returns to the queue."""
    now = rt.now()
    with rt.db.write() as conn:
        last = audit.last_decision(conn, moderator.id, comment_id)
        comment = comments.get(conn, comment_id)
        if (
            last is None
            or comment is None
            or (now - last.at).total_seconds() > UNDO_SECONDS
            or comment.status != _TARGET[Action(last.action)]
        ):
            raise Conflict("this decision can no longer be undone", code="undo_expired")
        _back_to_queue(conn, now, moderator, comment_id, comment.thread_id, last.action)
        updated = comments.get(conn, comment_id)
    assert updated is not None
    return updated


# "Approve every comment with no flag": the page shows the comments, the moderator
# confirms exactly those, and may take the whole batch back for a while.
# Checked by the engine, nothing flagged, no reader's report open.
BULK_ELIGIBLE = QueueFilter(rule=UNFLAGGED, unreported=True)
BULK_MAX = 100  # comments shown, and approved, per confirmation


@dataclass(frozen=True, slots=True)
class Batch:
    id: str
    approved: int  # comments the batch published
    skipped: int  # no longer waiting with no flag, or a reply whose parent still waits
    undo_until: datetime | None  # None: it can no longer be taken back (or not by you)


def unflagged(rt: Runtime, limit: int = BULK_MAX) -> tuple[list[QueueItem], int]:
    """What a bulk approval would publish, oldest first (parents before their replies),
    as the queue shows it, and how many such comments wait in all."""
    return queue(rt, limit, 0, QueueOrder.OLDEST, BULK_ELIGIBLE)


def approve_batch(rt: Runtime, moderator: Moderator, ids: Sequence[int]) -> Batch:
    """Approve the comments the moderator saw and confirmed, in one transaction and under
    one batch id. A comment that was flagged, reported or decided since is left alone."""
    chosen = sorted(set(ids))[:BULK_MAX]
    if not chosen:
        raise Invalid("choose the comments to approve", field="ids", code="nothing_chosen")
    batch_id = secrets.token_hex(8)
    approved = 0
    with rt.db.write() as conn:
        eligible = set(comments.pending_ids(conn, BULK_ELIGIBLE))
        for comment_id in chosen:  # oldest first, so parents come before their replies
            if comment_id not in eligible:
                continue
            try:
                decide_in(rt, conn, moderator, comment_id, Action.APPROVE, batch=batch_id)
                approved += 1
            except Conflict:
                pass  # its parent still waits: it stays in the queue
    until = _undo_until(rt, rt.now()) if approved else None
    return Batch(batch_id, approved, len(chosen) - approved, until)


def batch(rt: Runtime, moderator: Moderator, batch_id: str) -> Batch:
    """A batch as its notice shows it: what it published, until when it can be undone."""
    with rt.db.read() as conn:
        done = audit.in_batch(conn, batch_id)
        undoable = _undoable(conn, done, batch_id)
    until = _undo_until(rt, done[0].at) if done and done[0].moderator_id == moderator.id else None
    open_ = until is not None and until > rt.now() and bool(undoable)
    return Batch(batch_id, len(done), 0, until if open_ else None)


def undo_batch(rt: Runtime, moderator: Moderator, batch_id: str) -> int:
    """Put back in the queue every comment of one's own batch that is still published and
    that nobody decided on since; returns how many."""
    now = rt.now()
    with rt.db.write() as conn:
        done = audit.in_batch(conn, batch_id)
        until = _undo_until(rt, done[0].at) if done else None
        if not done or done[0].moderator_id != moderator.id or until is None or now > until:
            raise Conflict("this batch can no longer be taken back", code="undo_expired")
        undoable = _undoable(conn, done, batch_id)
        for d in undoable:
            _back_to_queue(conn, now, moderator, d.comment_id, d.thread_id, "approve", batch_id)
    return len(undoable)


def _back_to_queue(
    conn: Connection,
    now: datetime,
    moderator: Moderator,
    comment_id: int,
    thread_id: int | None,
    took_back: str,
    batch: str | None = None,
) -> None:
    """An undone decision: the comment waits again, and the log says what was taken back."""
    comments.set_status(conn, comment_id, CommentStatus.PENDING, now, decided=False)
    audit.record(
        conn,
        at=now,
        action="undo",
        moderator_id=moderator.id,
        comment_id=comment_id,
        thread_id=thread_id,
        note=took_back,
        batch=batch,
    )


def _undoable(
    conn: Connection, done: list[audit.BatchApproval], batch_id: str
) -> list[audit.BatchApproval]:
    """The batch's comments still published, with no decision on them since the batch."""
    if not done:
        return []
    ids = [d.comment_id for d in done]
    since = audit.decided_after(conn, ids, done[0].entry_id, except_batch=batch_id)
    now = comments.get_many(conn, set(ids))
    return [
        d
        for d in done
        if d.comment_id not in since
        and (c := now.get(d.comment_id)) is not None
        and c.status == CommentStatus.PUBLISHED
    ]


def _undo_until(rt: Runtime, at: datetime) -> datetime | None:
    seconds = rt.settings.moderation.bulk_undo_seconds
    return at + timedelta(seconds=seconds) if seconds > 0 else None
