"""SQL for moderators and their API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, update

from parvis.domain.moderator import Moderator, Role
from parvis.store.schema import moderators


def _moderator(row: Any) -> Moderator:
    return Moderator(
        id=row.id,
        name=row.name,
        role=Role(row.role),
        password_hash=row.password_hash,
        disabled=bool(row.disabled),
    )


def add(conn: Connection, name: str, role: Role, password_hash: str, now: datetime) -> int:
    result = conn.execute(
        moderators.insert().values(
            name=name, role=role.value, password_hash=password_hash, created=now, disabled=False
        )
    )
    assert result.inserted_primary_key is not None
    return int(result.inserted_primary_key[0])


def get_by_name(conn: Connection, name: str) -> Moderator | None:
    row = conn.execute(select(moderators).where(moderators.c.name == name)).first()
    return _moderator(row) if row else None


def get(conn: Connection, moderator_id: int) -> Moderator | None:
    row = conn.execute(select(moderators).where(moderators.c.id == moderator_id)).first()
    return _moderator(row) if row else None


def get_by_token_hash(conn: Connection, token_hash: str) -> Moderator | None:
    row = conn.execute(select(moderators).where(moderators.c.token_hash == token_hash)).first()
    return _moderator(row) if row else None


def set_password_hash(conn: Connection, moderator_id: int, password_hash: str) -> None:
    conn.execute(
        update(moderators)
        .where(moderators.c.id == moderator_id)
        .values(password_hash=password_hash)
    )


def set_role(conn: Connection, moderator_id: int, role: Role) -> None:
    conn.execute(update(moderators).where(moderators.c.id == moderator_id).values(role=role.value))


def set_token_hash(conn: Connection, moderator_id: int, token_hash: str | None) -> None:
    conn.execute(
        update(moderators).where(moderators.c.id == moderator_id).values(token_hash=token_hash)
    )


def all_(conn: Connection) -> list[Moderator]:
    return [_moderator(r) for r in conn.execute(select(moderators).order_by(moderators.c.name))]


def set_disabled(conn: Connection, moderator_id: int, disabled: bool) -> None:
    conn.execute(
        update(moderators).where(moderators.c.id == moderator_id).values(disabled=disabled)
    )
