"""SQL for comments."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, bindparam, func, select, update

from parvis.domain.comment import Comment, CommentStatus, PublicComment
from parvis.domain.queue import EVERYTHING, UNFLAGGED, QueueFilter, QueueOrder
from parvis.domain.verdict import Verdict
from parvis.store.db import utc
from parvis.store.schema import comments, reports
from parvis.store.threads import add_published

PUBLISHED = CommentStatus.PUBLISHED.value


@dataclass(frozen=True, slots=True)
class NewComment:
    thread_id: int
    parent_id: int | None
    root_id: int | None
    author: str
    email: str | None
    text: str
    html: str
    status: CommentStatus
    created: datetime
    client_hash: str
    verdict: Verdict | None = None
    check_after: datetime | None = None  # set: the charter's checks are still to run
    notify_replies: bool = False


def _comment(row: Any) -> Comment:
    return Comment(
        id=row.id,
        thread_id=row.thread_id,
        parent_id=row.parent_id,
        root_id=row.root_id,
        author=row.author,
        email=row.email,
        text=row.text,
        html=row.html,
        status=CommentStatus(row.status),
        created=utc(row.created),  # type: ignore[arg-type]
        modified=utc(row.modified),
        client_hash=row.client_hash,
        verdict=Verdict.from_dict(json.loads(row.verdict)) if row.verdict else None,
        risk=row.risk,
        checking=row.check_after is not None,
    )


def _verdict_json(verdict: Verdict | None) -> str | None:
    return json.dumps(verdict.to_dict(), ensure_ascii=False) if verdict else None


def _verdict_columns(verdict: Verdict | None) -> dict[str, Any]:
    flags = "".join(f",{f.rule}" for f in verdict.flags) + "," if verdict and verdict.flags else ""
    return {
        "verdict": _verdict_json(verdict),
        "risk": verdict.risk if verdict else 0.0,
        "flags": flags,
    }


# Built once: every post runs them.
_INSERT = comments.insert()
_SET_ROOT = (
    update(comments).where(comments.c.id == bindparam("b_id")).values(root_id=bindparam("b_id"))
)


def insert(conn: Connection, new: NewComment) -> int:
    result = conn.execute(
        _INSERT,
        dict(
            thread_id=new.thread_id,
            parent_id=new.parent_id,
            root_id=new.root_id,
            author=new.author,
            email=new.email,
            text=new.text,
            html=new.html,
            status=new.status.value,
            created=new.created,
            client_hash=new.client_hash,
            check_after=new.check_after,
            notify_replies=new.notify_replies,
            **_verdict_columns(new.verdict),
        ),
    )
    assert result.inserted_primary_key is not None
    comment_id = int(result.inserted_primary_key[0])
    if new.status == CommentStatus.PUBLISHED:
        add_published(conn, {new.thread_id: 1})
    if new.root_id is None:  # a top-level comment is its own root
        conn.execute(_SET_ROOT, {"b_id": comment_id})
    return comment_id


def get(conn: Connection, comment_id: int) -> Comment | None:
    row = conn.execute(select(comments).where(comments.c.id == comment_id)).first()
    return _comment(row) if row else None


def get_many(conn: Connection, ids: Iterable[int]) -> dict[int, Comment]:
    ids = list(ids)
    if not ids:
        return {}
    rows = conn.execute(select(comments).where(comments.c.id.in_(ids))).all()
    return {r.id: _comment(r) for r in rows}


_PUBLIC_COLUMNS = (
    comments.c.id,
    comments.c.parent_id,
    comments.c.root_id,
    comments.c.author,
    comments.c.created,
    comments.c.html,
)


# Built once: a thread read runs these on every cache miss, and building a statement
# costs more than SQLite takes to answer it.
_NO_CURSOR = 2**62
_ROOTS = (
    select(*_PUBLIC_COLUMNS)
    .where(
        comments.c.thread_id == bindparam("thread_id"),
        comments.c.status == PUBLISHED,
        comments.c.parent_id.is_(None),
        comments.c.id < bindparam("before"),
    )
    .order_by(comments.c.id.desc())
    .limit(bindparam("limit"))
)
_REPLIES = (
    select(*_PUBLIC_COLUMNS)
    .where(
        comments.c.root_id.in_(bindparam("root_ids", expanding=True)),
        comments.c.status == PUBLISHED,
        comments.c.parent_id.is_not(None),
    )
    # `id + 0`: sort the few replies found through ix_comments_root. Ordering on the bare
    # id lets SQLite without statistics walk (status, id) over every published comment.
    .order_by(comments.c.id + 0)
)


def published_roots(
    conn: Connection, thread_id: int, before: int | None, limit: int
) -> list[PublicComment]:
    """Top-level published comments, newest first, keyset-paged on the id."""
    params = {"thread_id": thread_id, "before": _NO_CURSOR if before is None else before}
    return [_public(r) for r in conn.execute(_ROOTS, {**params, "limit": limit})]


def published_replies(conn: Connection, root_ids: Sequence[int]) -> list[PublicComment]:
    """Every published reply under the given top-level comments, oldest first, in one query."""
    if not root_ids:
        return []
    return [_public(r) for r in conn.execute(_REPLIES, {"root_ids": list(root_ids)})]


def _public(row: Any) -> PublicComment:
    return PublicComment(
        id=row.id,
        parent_id=row.parent_id,
        root_id=row.root_id,
        author=row.author,
        created=utc(row.created),  # type: ignore[arg-type]
        html=row.html,
        replies=[],
    )


def _update(conn: Connection, comment_id: int, values: dict[str, Any]) -> None:
    """Update a comment; when that publishes or withdraws it, its thread's count follows.

    The old status is tested in the UPDATE itself: of two transactions changing the same
    comment at once, the second sees the first's row (PostgreSQL re-reads a row it waited
    for; SQLite writers take turns), so the comment is counted once.
    """
    stmt = update(comments).where(comments.c.id == comment_id).values(**values)
    status = values.get("status")
    if status is not None:
        publishing = status == PUBLISHED
        was = comments.c.status != PUBLISHED if publishing else comments.c.status == PUBLISHED
        thread_id = conn.execute(stmt.where(was).returning(comments.c.thread_id)).scalar()
        if thread_id is not None:
            add_published(conn, {thread_id: 1 if publishing else -1})
            return
    conn.execute(stmt)


def set_status(
    conn: Connection, comment_id: int, status: CommentStatus, now: datetime, *, decided: bool = True
) -> None:
    values: dict[str, Any] = {"status": status.value}
    if decided:
        values["decided"] = now
    _update(conn, comment_id, values)


def update_text(
    conn: Connection,
    comment_id: int,
    text: str,
    html: str,
    status: CommentStatus,
    verdict: Verdict | None,
    now: datetime,
    check_after: datetime | None = None,
) -> None:
    _update(
        conn,
        comment_id,
        {
            "text": text,
            "html": html,
            "status": status.value,
            "modified": now,
            "check_after": check_after,
            **_verdict_columns(verdict),
        },
    )


def _check_due(now: datetime) -> Any:
    return and_(comments.c.check_after.is_not(None), comments.c.check_after <= now)


def claim_checks(conn: Connection, now: datetime, lease: timedelta, limit: int) -> list[int]:
    """Reserve up to `limit` comments whose check is due, oldest first, for `lease`.

    A worker that dies leaves its comments to be claimed again when the lease runs out.
    """
    due = (
        select(comments.c.id)
        .where(_check_due(now))
        .order_by(comments.c.check_after, comments.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    rows = conn.execute(
        update(comments)
        .where(comments.c.id.in_(due))
        .values(check_after=now + lease)
        .returning(comments.c.id)
    ).scalars()
    return sorted(int(i) for i in rows)


def checks_due(conn: Connection, now: datetime) -> bool:
    """Whether any comment's check is due: a read, so an idle worker's look is cheap."""
    return conn.execute(select(comments.c.id).where(_check_due(now)).limit(1)).first() is not None


def finish_check(
    conn: Connection,
    comment_id: int,
    verdict: Verdict | None,
    status: CommentStatus | None,
) -> None:
    """Store the verdict, and the status it leads to unless `status` is None."""
    values: dict[str, Any] = {"check_after": None, **_verdict_columns(verdict)}
    if status is not None:
        values["status"] = status.value
    _update(conn, comment_id, values)


def count_checks_waiting(conn: Connection) -> int:
    return int(
        conn.execute(select(func.count()).where(comments.c.check_after.is_not(None))).scalar_one()
    )


def _pending_where(f: QueueFilter) -> list[Any]:
    where: list[Any] = [comments.c.status == CommentStatus.PENDING.value]
    if f.rule == UNFLAGGED:  # checked by the engine and nothing flagged
        where.extend([comments.c.flags == "", comments.c.verdict.is_not(None)])
    elif f.rule:
        where.append(comments.c.flags.contains(f",{f.rule},"))
    if f.thread_id is not None:
        where.append(comments.c.thread_id == f.thread_id)
    if f.author:
        where.append(comments.c.author == f.author)
    if f.older_than is not None:
        where.append(comments.c.created <= f.older_than)
    if f.reported or f.unreported:
        reported = comments.c.id.in_(
            select(reports.c.comment_id).where(
                reports.c.comment_id.is_not(None), reports.c.resolved.is_(None)
            )
        )
        where.append(reported if f.reported else ~reported)
    return where


def pending(
    conn: Connection,
    limit: int,
    offset: int = 0,
    order: QueueOrder = QueueOrder.RISK,
    where: QueueFilter = EVERYTHING,
) -> list[Comment]:
    """The moderators' queue."""
    keys = (
        [comments.c.id] if order == QueueOrder.OLDEST else [comments.c.risk.desc(), comments.c.id]
    )
    rows = conn.execute(
        select(comments).where(*_pending_where(where)).order_by(*keys).limit(limit).offset(offset)
    ).all()
    return [_comment(r) for r in rows]


def pending_ids(conn: Connection, where: QueueFilter) -> list[int]:
    return [
        int(i) for i in conn.execute(select(comments.c.id).where(*_pending_where(where))).scalars()
    ]


def count_pending(conn: Connection, where: QueueFilter = EVERYTHING) -> int:
    return int(conn.execute(select(func.count()).where(*_pending_where(where))).scalar_one())


def count_pending_by_thread(conn: Connection, thread_ids: Sequence[int]) -> dict[int, int]:
    if not thread_ids:
        return {}
    rows = conn.execute(
        select(comments.c.thread_id, func.count())
        .where(
            comments.c.thread_id.in_(thread_ids),
            comments.c.status == CommentStatus.PENDING.value,
        )
        .group_by(comments.c.thread_id)
    ).all()
    return {int(tid): int(n) for tid, n in rows}


def recent_texts(
    conn: Connection,
    client_hash: str | None,
    thread_id: int | None,
    since: datetime,
    limit: int,
    before_id: int | None = None,
) -> list[str]:
    """The latest texts of this client and of this thread (at most `limit` each), posted
    before comment `before_id` when given."""
    earlier = [comments.c.id < before_id] if before_id is not None else []
    texts: list[str] = []
    if client_hash:
        texts += conn.execute(
            select(comments.c.text)
            .where(comments.c.client_hash == client_hash, comments.c.created >= since, *earlier)
            .order_by(comments.c.id.desc())
            .limit(limit)
        ).scalars()
    if thread_id is not None:
        texts += conn.execute(
            select(comments.c.text)
            .where(comments.c.thread_id == thread_id, *earlier)
            .order_by(comments.c.id.desc())
            .limit(limit)
        ).scalars()
    return list(dict.fromkeys(texts))


def count_by_client_since(
    conn: Connection, client_hash: str, since: datetime, before_id: int | None = None
) -> int:
    earlier = [comments.c.id < before_id] if before_id is not None else []
    return int(
        conn.execute(
            select(func.count()).where(
                comments.c.client_hash == client_hash, comments.c.created >= since, *earlier
            )
        ).scalar_one()
    )


def by_authors(
    conn: Connection, client_hashes: Iterable[str], authors: Iterable[str], limit: int
) -> list[Comment]:
    """Recent comments by any of these clients or pseudonyms, newest first (authors' history)."""
    hashes = [h for h in set(client_hashes) if h]
    names = list(set(authors))
    if not hashes and not names:
        return []
    rows = conn.execute(
        select(comments)
        .where(comments.c.client_hash.in_(hashes) | comments.c.author.in_(names))
        .order_by(comments.c.id.desc())
        .limit(limit)
    )
    return [_comment(r) for r in rows]
