"""Bulk loading: many comments in one statement (COPY on PostgreSQL, executemany on SQLite).

The loader reserves the ids first so that a top-level comment's root_id (itself) and
the replies' parent and root links are known before the rows are written: one pass,
no UPDATE afterwards.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select, text

from parvis.store.db import insert
from parvis.store.schema import threads

# The order of the values in every row handed to `write_comments`.
COLUMNS = (
    "id",
    "thread_id",
    "parent_id",
    "root_id",
    "author",
    "email",
    "text",
    "html",
    "status",
    "created",
    "client_hash",
    "risk",
    "flags",
)
Row = tuple[int, int, int | None, int, str, str | None, str, str, str, datetime, str, float, str]


def thread_ids(conn: Connection, uris: Collection[str]) -> dict[str, int]:
    """The ids of the threads that exist among `uris`."""
    found: dict[str, int] = {}
    uris = list(uris)
    for i in range(0, len(uris), 1000):
        chunk = uris[i : i + 1000]
        rows = conn.execute(select(threads.c.uri, threads.c.id).where(threads.c.uri.in_(chunk)))
        found.update({uri: int(tid) for uri, tid in rows})
    return found


def create_threads(conn: Connection, new: Sequence[tuple[str, str, datetime]]) -> dict[str, int]:
    """Create the (uri, title, created) threads that do not exist yet; return every id."""
    if new:
        conn.execute(
            insert(conn, threads).on_conflict_do_nothing(index_elements=["uri"]),
            [{"uri": u, "title": t, "closed": False, "created": c} for u, t, c in new],
        )
    return thread_ids(conn, [u for u, _, _ in new])


def reserve_comment_ids(conn: Connection, n: int) -> list[int]:
    """`n` fresh comment ids, increasing, that no concurrent writer will also take.

    PostgreSQL: drawn from the id sequence (nextval is atomic; the ids of a batch may
    have gaps if another process posts meanwhile, never duplicates). SQLite: the
    caller holds the write lock (BEGIN IMMEDIATE), so the next ids are simply free;
    inserting them moves AUTOINCREMENT's counter past them.
    """
    if n <= 0:
        return []
    if conn.dialect.name == "postgresql":
        rows = conn.execute(
            text(
                "SELECT nextval(pg_get_serial_sequence('comments', 'id'))"
                " FROM generate_series(1, :n)"
            ),
            {"n": n},
        )
        return sorted(int(r[0]) for r in rows)
    start = conn.execute(
        text(
            "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'comments'), 0),"
            " coalesce((SELECT max(id) FROM comments), 0))"
        )
    ).scalar_one()
    return list(range(int(start) + 1, int(start) + 1 + n))


def write_comments(conn: Connection, rows: Sequence[Row]) -> None:
    """Insert the rows (values in COLUMNS order, ids included)."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        _copy(conn, rows)
        return
    placeholders = ", ".join("?" for _ in COLUMNS)
    raw: Any = conn.connection.driver_connection
    # Straight to sqlite3's executemany: SQLAlchemy's per-row parameter handling
    # would cost more than the insert itself.
    raw.executemany(
        f"INSERT INTO comments ({', '.join(COLUMNS)}) VALUES ({placeholders})",
        [(*r[:9], _sqlite_time(r[9]), *r[10:]) for r in rows],
    )


def _sqlite_time(value: datetime) -> str:
    """SQLAlchemy's own SQLite DATETIME text (naive UTC), so reads parse it back."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _copy(conn: Connection, rows: Sequence[Row]) -> None:
    raw: Any = conn.connection.driver_connection
    with (
        raw.cursor() as cur,
        cur.copy(f"COPY comments ({', '.join(COLUMNS)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def is_empty(conn: Connection) -> bool:
    return conn.execute(text("SELECT NOT EXISTS (SELECT 1 FROM comments)")).scalar_one() is True


def drop_secondary_indexes(conn: Connection) -> list[str]:
    """Drop the comments table's secondary indexes; return the statements that recreate them.

    For an initial load only, in the load's own transaction: building an index once over
    millions of sorted rows is several times cheaper than maintaining it row by row.
    """
    if conn.dialect.name == "postgresql":
        rows = conn.execute(
            text(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i"
                " JOIN pg_class c ON c.relname = i.indexname"
                " JOIN pg_index x ON x.indexrelid = c.oid"
                " WHERE i.tablename = 'comments' AND i.schemaname = current_schema()"
                " AND NOT x.indisprimary AND NOT x.indisunique"
            )
        ).all()
    else:
        rows = conn.execute(
            text(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
                " AND tbl_name = 'comments' AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'"
            )
        ).all()
    for name, _ in rows:
        conn.execute(text(f'DROP INDEX "{name}"'))
    return [str(sql) for _, sql in rows]


def create_indexes(conn: Connection, statements: Sequence[str]) -> None:
    if conn.dialect.name == "postgresql":
        # One sort in memory per index instead of spilling to disk (this transaction only).
        conn.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
    for sql in statements:
        conn.execute(text(sql))


def analyze(conn: Connection) -> None:
    """Fresh planner statistics after a bulk load, on PostgreSQL.

    Not on SQLite: its statistics keep one average per index, and imported comments
    all share the empty client hash, so after ANALYZE it would scan the whole table for
    a poster's recent comments (260 ms a post at 100,000 comments) instead of using
    ix_comments_client_hash. The store's queries are written to need no statistics.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text("ANALYZE comments"))
        conn.execute(text("ANALYZE threads"))


def table_sizes(conn: Connection) -> dict[str, int]:
    """Bytes on disk per table, indexes and TOAST included (PostgreSQL only)."""
    if conn.dialect.name != "postgresql":
        return {}
    rows = conn.execute(
        text(
            "SELECT relname, pg_total_relation_size(oid) FROM pg_class"
            " WHERE relname IN ('threads', 'comments') AND relkind = 'r'"
        )
    )
    return {name: int(size) for name, size in rows}
