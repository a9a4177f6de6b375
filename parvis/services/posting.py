"""Posting, editing and deleting a comment: one use case, one transaction each."""

from __future__ import annotations

from dataclasses import dataclass

from parvis.domain.charter import RejectAction
from parvis.domain.comment import Comment, CommentStatus
from parvis.domain.thread import ModerationMode, Thread
from parvis.domain.verdict import Decision, Verdict
from parvis.errors import Conflict, Forbidden, Invalid, NotFound
from parvis.services import bans, notifications
from parvis.services.checking import verdict_for
from parvis.services.limits import enforce_rate_limit
from parvis.services.rendering import render
from parvis.services.runtime import Runtime
from parvis.services.validation import (
    check_new_uri,
    clean_author,
    clean_email,
    clean_text,
    clean_uri,
    title_from_uri,
)
from parvis.store import audit, comments, threads
from parvis.store.comments import NewComment

AUTOMATIC_NOTE = "charte"


@dataclass(frozen=True, slots=True)
class CommentInput:
    uri: str
    author: str
    text: str
    email: str | None = None
    parent: int | None = None
    title: str | None = None
    notify_replies: bool = False  # "Me prévenir des réponses" (needs an e-mail)


@dataclass(frozen=True, slots=True)
class Posted:
    id: int
    status: CommentStatus
    edit_token: str
    verdict: Verdict | None


def post_comment(
    rt: Runtime, data: CommentInput, client_address: str, *, trusted: bool = False
) -> Posted:
    """Validate, moderate, store. `trusted` (a moderator's token) skips the rate limit."""
    cfg = rt.settings.comments
    uri = clean_uri(rt, data.uri)
    author = clean_author(rt, data.author)
    text = clean_text(rt, data.text)
    email = clean_email(data.email)
    client = rt.client_hash(client_address)
    now = rt.now()

    if not trusted:
        enforce_rate_limit(rt, f"post:{client}", cfg.rate_limit, cfg.rate_window)

    with rt.db.read() as conn:
        thread = threads.get_by_uri(conn, uri)
    verdict = verdict_for(rt, text, thread, client)

    with rt.db.write() as conn:
        if thread is None:
            check_new_uri(rt, uri)
            title = (data.title or "").strip()[:300] or title_from_uri(uri)
            thread = threads.get_or_create(conn, uri, title, now)
        if thread.closed:
            raise Conflict("comments are closed on this article", field="uri", code="thread_closed")
        root_id: int | None = None
        if data.parent is not None:
            parent = comments.get(conn, data.parent)
            if parent is None or parent.status != CommentStatus.PUBLISHED:
                raise Invalid("the comment you answer does not exist", field="parent")
            if parent.thread_id != thread.id:
                raise Invalid("the comment you answer belongs to another article", field="parent")
            root_id = parent.root_id or parent.id
        status, rule = _initial_status(rt, thread, verdict)
        status = bans.screen(rt, conn, status, email=email, client=client, author=author)
        comment_id = comments.insert(
            conn,
            NewComment(
                thread_id=thread.id,
                parent_id=data.parent,
                root_id=root_id,
                author=author,
                email=email,
                text=text,
                html=render(text),
                status=status,
                created=now,
                client_hash=client,
                verdict=verdict,
            ),
        )
        notifications.comment_posted(
            rt, conn, comment_id, status, notify_replies=data.notify_replies and email is not None
        )
        action = _automatic_decision(rt, thread, status)
        if action:
            audit.record(
                conn,
                at=now,
                action=action,
                comment_id=comment_id,
                thread_id=thread.id,
                rule=rule,
                note=AUTOMATIC_NOTE,
            )
    expires = int(now.timestamp()) + cfg.edit_window
    return Posted(comment_id, status, rt.tokens.edit(comment_id, expires), verdict)


def edit_comment(rt: Runtime, comment_id: int, edit_token: str, text: str) -> Comment:
    _check_edit_right(rt, comment_id, edit_token)
    text = clean_text(rt, text)
    now = rt.now()
    with rt.db.read() as conn:
        comment = _editable(conn, comment_id)
        thread = threads.get(conn, comment.thread_id)
    assert thread is not None
    verdict = verdict_for(rt, text, thread)
    status, _ = _initial_status(rt, thread, verdict)
    with rt.db.write() as conn:
        comments.update_text(conn, comment_id, text, render(text), status, verdict, now)
        updated = comments.get(conn, comment_id)
    assert updated is not None
    return updated


def delete_comment(rt: Runtime, comment_id: int, edit_token: str) -> None:
    _check_edit_right(rt, comment_id, edit_token)
    with rt.db.write() as conn:
        _editable(conn, comment_id)
        comments.set_status(conn, comment_id, CommentStatus.DELETED, rt.now(), decided=False)


def own_comment(rt: Runtime, comment_id: int, edit_token: str) -> Comment:
    """The author's own comment, while they may still change it."""
    _check_edit_right(rt, comment_id, edit_token)
    with rt.db.read() as conn:
        return _editable(conn, comment_id)


def _check_edit_right(rt: Runtime, comment_id: int, edit_token: str) -> None:
    if rt.tokens.read_edit(edit_token, int(rt.now().timestamp())) != comment_id:
        raise Forbidden("not allowed to change this comment", code="edit_denied")


def _editable(conn: object, comment_id: int) -> Comment:
    comment = comments.get(conn, comment_id)  # type: ignore[arg-type]
    if comment is None or comment.status in (CommentStatus.DELETED, CommentStatus.REJECTED):
        raise NotFound("no such comment", field="id")
    return comment


def _pre(rt: Runtime, thread: Thread) -> bool:
    return (thread.mode or rt.charter.mode) == ModerationMode.PRE


def _initial_status(
    rt: Runtime, thread: Thread, verdict: Verdict | None
) -> tuple[CommentStatus, str | None]:
    """Where a new comment starts, per the article's mode and the charter.

    Pre-moderation: pending, unless the charter auto-approves comments with no flag.
    Post-moderation: published, unless a rule is flagged (then a human looks first).
    Either way a rule that reaches `reject` with `on_reject = "refuse"` refuses it.
    """
    if verdict is None:
        return (CommentStatus.PENDING if _pre(rt, thread) else CommentStatus.PUBLISHED), None
    top = max(verdict.flags, key=lambda f: f.score, default=None)
    if verdict.decision == Decision.REJECT:
        refusing = [
            f
            for f in verdict.flags
            if (r := rt.charter.rule(f.rule))
            and r.reject is not None
            and f.score >= r.reject
            and r.on_reject == RejectAction.REFUSE
        ]
        if refusing:
            return CommentStatus.REJECTED, refusing[0].rule
        return CommentStatus.PENDING, top.rule if top else None
    if verdict.decision == Decision.REVIEW:
        return CommentStatus.PENDING, top.rule if top else None
    if not _pre(rt, thread) or rt.charter.auto_approve:
        return CommentStatus.PUBLISHED, None
    return CommentStatus.PENDING, None


def _automatic_decision(rt: Runtime, thread: Thread, status: CommentStatus) -> str | None:
    """The audit action when the charter, not a person, decided: a refusal, or an
    auto-approval in pre-moderation (in post-moderation publishing is the normal path)."""
    if status == CommentStatus.REJECTED:
        return "auto-reject"
    if status == CommentStatus.PUBLISHED and _pre(rt, thread):
        return "auto-approve"
    return None
