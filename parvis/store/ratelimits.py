"""A fixed-window counter in the database, so a limit holds across every process."""

from __future__ import annotations

from sqlalchemy import Connection, case

from parvis.store.db import insert
from parvis.store.schema import rate_limits


def hit(conn: Connection, key: str, window_start: int) -> int:
    """Count one hit for `key` in the window starting at `window_start`; return the count."""
    stmt = insert(conn, rate_limits).values(key=key, window_start=window_start, hits=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=["key"],
        set_={
            "hits": case(
                (rate_limits.c.window_start == stmt.excluded.window_start, rate_limits.c.hits + 1),
                else_=1,
            ),
            "window_start": stmt.excluded.window_start,
        },
    ).returning(rate_limits.c.hits)
    return int(conn.execute(stmt).scalar_one())
