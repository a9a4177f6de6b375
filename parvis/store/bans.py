"""SQL for bans: by e-mail hash, client hash or normalised pseudonym."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, bindparam, or_, select, update

from parvis.domain.ban import Ban, BanKind
from parvis.store.db import utc
from parvis.store.schema import bans, moderators


def add(
    conn: Connection,
    *,
    kind: BanKind,
    value: str,
    author: str | None,
    reason: str,
    created: datetime,
    expires: datetime | None,
    moderator_id: int,
) -> int:
    result = conn.execute(
        bans.insert().values(
            kind=kind.value,
            value=value,
            author=author,
            reason=reason,
            created=created,
            expires=expires,
            moderator_id=moderator_id,
        )
    )
    assert result.inserted_primary_key is not None
    return int(result.inserted_primary_key[0])


def _active(now: Any) -> list[Any]:  # a datetime, or a bind parameter for one
    return [bans.c.lifted.is_(None), or_(bans.c.expires.is_(None), bans.c.expires > now)]


def matching(conn: Connection, keys: list[tuple[BanKind, str]], now: datetime) -> Ban | None:
    """The first active ban among (kind, value) pairs, one value a kind at most, if any."""
    if not keys:
        return None
    values: dict[str, str | None] = {kind.value: None for kind in BanKind}  # NULL: no match
    values.update((kind.value, value) for kind, value in keys)
    row = conn.execute(_MATCHING, {**values, "now": now}).first()
    return _ban(row) if row else None


def active(conn: Connection, now: datetime) -> list[Ban]:
    return [
        _ban(r) for r in conn.execute(_select().where(*_active(now)).order_by(bans.c.id.desc()))
    ]


def get(conn: Connection, ban_id: int) -> Ban | None:
    row = conn.execute(_select().where(bans.c.id == ban_id)).first()
    return _ban(row) if row else None


def lift(conn: Connection, ban_id: int, now: datetime, moderator_id: int) -> bool:
    result = conn.execute(
        update(bans)
        .where(bans.c.id == ban_id, bans.c.lifted.is_(None))
        .values(lifted=now, lifted_by=moderator_id)
    )
    return result.rowcount == 1


def _select() -> Any:
    return select(bans, moderators.c.name.label("moderator_name")).outerjoin(
        moderators, moderators.c.id == bans.c.moderator_id
    )


def _ban(row: Any) -> Ban:
    return Ban(
        id=row.id,
        kind=BanKind(row.kind),
        value=row.value,
        author=row.author,
        reason=row.reason,
        created=utc(row.created),  # type: ignore[arg-type]
        expires=utc(row.expires),
        moderator=row.moderator_name,
        lifted=utc(row.lifted),
    )


# Built once: every post asks it (building it took a fifth of a post's Python time).
_MATCHING = (
    _select()
    .where(
        or_(*(and_(bans.c.kind == k.value, bans.c.value == bindparam(k.value)) for k in BanKind)),
        *_active(bindparam("now")),
    )
    .order_by(bans.c.id)
    .limit(1)
)
