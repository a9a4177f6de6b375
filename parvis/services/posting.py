"""Posting, editing and deleting a comment: one use case, one transaction each."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection

from parvis.domain.comment import Comment, CommentStatus
from parvis.domain.thread import Thread
from parvis.errors import Conflict, Forbidden, Invalid, NotFound
from parvis.services import bans
from parvis.services.checking import record_outcome, status_for
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
from parvis.store import comments, threads
from parvis.store.comments import NewComment


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
    checking: bool  # pending until the charter's checks have run (the moderation queue)


def post_comment(
    rt: Runtime, data: CommentInput, client_address: str, *, trusted: bool = False
) -> Posted:
    """Validate and store; the charter's checks follow in the moderation queue.

    With the engine loaded the comment starts pending with its check due, and the queue's
    worker publishes, holds or refuses it. Without it the article's mode alone decides.
    `trusted` (a moderator's token) skips the rate limit.
    """
    cfg = rt.settings.comments
    uri = clean_uri(rt, data.uri)
    author = clean_author(rt, data.author)
    text = clean_text(rt, data.text)
    email = clean_email(data.email)
    client = rt.client_hash(client_address)
    now = rt.now()
    checking = rt.moderate is not None

    if not trusted:
        enforce_rate_limit(rt, f"post:{client}", cfg.rate_limit, cfg.rate_window)
    html = render(text)
    notify_replies = data.notify_replies and email is not None

    # Everything that only reads goes before the write lock, which is held for the inserts.
    with rt.db.read() as conn:
        thread = threads.get_by_uri(conn, uri)
        if thread is not None and thread.closed:
            raise Conflict("comments are closed on this article", field="uri", code="thread_closed")
        root_id = _root_of(conn, data.parent, thread)
        status = _unchecked_status(rt, thread)
        status = bans.screen(rt, conn, status, email=email, client=client, author=author)
    if thread is None:
        check_new_uri(rt, uri)

    with rt.db.write() as conn:
        if thread is None:
            title = (data.title or "").strip()[:300] or title_from_uri(uri)
            thread = threads.get_or_create(conn, uri, title, now)
        comment_id = comments.insert(
            conn,
            NewComment(
                thread_id=thread.id,
                parent_id=data.parent,
                root_id=root_id,
                author=author,
                email=email,
                text=text,
                html=html,
                status=status,
                created=now,
                client_hash=client,
                check_after=now if checking else None,
                notify_replies=notify_replies,
            ),
        )
        if not checking:  # with the engine the queue's worker decides, in its own time
            record_outcome(rt, conn, thread, comment_id, status, None, checked=False)
    expires = int(now.timestamp()) + cfg.edit_window
    return Posted(comment_id, status, rt.tokens.edit(comment_id, expires), checking)


def _unchecked_status(rt: Runtime, thread: Thread | None) -> CommentStatus:
    """A new or edited text's status until it is checked: pending for the moderation
    queue when the engine is loaded; without it the article's mode decides."""
    if rt.moderate is not None:
        return CommentStatus.PENDING
    return status_for(rt, thread, None)[0]


def _root_of(conn: Connection, parent_id: int | None, thread: Thread | None) -> int | None:
    """The root of the comment answered, which must be published and on this article."""
    if parent_id is None:
        return None
    parent = comments.get(conn, parent_id)
    if parent is None or parent.status != CommentStatus.PUBLISHED:
        raise Invalid("the comment you answer does not exist", field="parent")
    if thread is None or parent.thread_id != thread.id:
        raise Invalid("the comment you answer belongs to another article", field="parent")
    return parent.root_id or parent.id


def edit_comment(rt: Runtime, comment_id: int, edit_token: str, text: str) -> Comment:
    """New text, checked again: with the engine it waits for its check, pending."""
    _check_edit_right(rt, comment_id, edit_token)
    text = clean_text(rt, text)
    now = rt.now()
    checking = rt.moderate is not None
    html = render(text)
    with rt.db.write() as conn:
        comment = _editable(conn, comment_id)
        thread = threads.get(conn, comment.thread_id)
        assert thread is not None
        status = _unchecked_status(rt, thread)
        comments.update_text(
            conn, comment_id, text, html, status, None, now, check_after=now if checking else None
        )
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
