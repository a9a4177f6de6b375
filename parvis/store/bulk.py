"""Bulk loading: many comments in one statement (COPY on PostgreSQL, executemany on SQLite).

The loader reserves the ids first so that a top-level comment's root_id (itself) and
the replies' parent and root links are known before the rows are written: one pass,
no UPDATE afterwards. Into an empty table, the secondary indexes that would cost more
to maintain than to build (and, on PostgreSQL, the foreign keys) are dropped for the
load and made again once at the end.
"""

from __future__ import annotations

import struct
from array import array
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
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

# The values `encode` takes, in this order: the part of a row that does not depend on ids.
VALUES = ("author", "email", "text", "html", "created")
Values = tuple[str, str | None, str, str, datetime]
# (index in the Encoded, id, thread_id, parent_id, root_id): the rest of a row.
Link = tuple[int, int, int, int | None, int]


def thread_ids(conn: Connection, uris: Collection[str]) -> dict[str, int]:
    """The ids of the threads that exist among `uris`."""
    if not uris:
        return {}
    if conn.dialect.name == "postgresql":
        # One array parameter, however many. Not `uri = ANY(:uris)`: planned while the
        # table looked empty, it compares every row with every uri (15 s at 1,000,000).
        rows = conn.execute(
            text(
                "SELECT t.uri, t.id FROM unnest(CAST(:uris AS text[])) AS u(uri)"
                " JOIN threads t ON t.uri = u.uri"
            ),
            {"uris": list(uris)},
        )
        return {str(uri): int(tid) for uri, tid in rows}
    found: dict[str, int] = {}
    uris = list(uris)
    for i in range(0, len(uris), 500):
        chunk = uris[i : i + 500]
        rows = conn.execute(select(threads.c.uri, threads.c.id).where(threads.c.uri.in_(chunk)))
        found.update({uri: int(tid) for uri, tid in rows})
    return found


def create_threads(conn: Connection, new: Sequence[tuple[str, str, datetime]]) -> dict[str, int]:
    """Create the (uri, title, created) threads that do not exist yet; return the ids of
    the ones created (`thread_ids` finds the others)."""
    if not new:
        return {}
    if conn.dialect.name == "postgresql":  # one statement, arrays in, ids out
        rows = conn.execute(
            text(
                "INSERT INTO threads (uri, title, closed, created)"
                " SELECT u, t, false, c FROM unnest(CAST(:uris AS text[]),"
                " CAST(:titles AS text[]), CAST(:created AS timestamptz[])) AS n(u, t, c)"
                " ON CONFLICT (uri) DO NOTHING RETURNING uri, id"
            ),
            {
                "uris": [u for u, _, _ in new],
                "titles": [t for _, t, _ in new],
                "created": [c for _, _, c in new],
            },
        )
    else:
        rows = conn.execute(
            insert(conn, threads)
            .on_conflict_do_nothing(index_elements=["uri"])
            .returning(threads.c.uri, threads.c.id),
            [{"uri": u, "title": t, "closed": False, "created": c} for u, t, c in new],
        )
    return {str(uri): int(tid) for uri, tid in rows}


def reserve_comment_ids(conn: Connection, n: int, *, locked: bool = False) -> list[int]:
    """`n` fresh comment ids, increasing, that no concurrent writer will also take.

    PostgreSQL: drawn from the id sequence (nextval is atomic; the ids of a batch may
    have gaps if another process posts meanwhile, never duplicates). `locked`: the
    caller holds the lock of `begin_initial_load`, no one else can insert a comment, so
    the batch takes one block of the sequence in one call (nextval one by one costs
    3 µs an id, server side). SQLite: the caller holds the write lock (BEGIN IMMEDIATE),
    so the next ids are simply free; inserting them moves AUTOINCREMENT's counter past
    them.
    """
    if n <= 0:
        return []
    if conn.dialect.name == "postgresql":
        if locked:
            last = conn.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence('comments', 'id'),"
                    " nextval(pg_get_serial_sequence('comments', 'id')) + :n - 1)"
                ),
                {"n": n},
            ).scalar_one()
            return list(range(int(last) - n + 1, int(last) + 1))
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


def write_comments(conn: Connection, rows: Iterable[Row]) -> int:
    """Insert the rows (values in COLUMNS order, ids included); return how many.

    `rows` may be a generator: it is consumed while the statement runs.
    """
    if conn.dialect.name == "postgresql":
        return _copy(conn, rows)
    return _insert_many(conn, COLUMNS, ((*r[:9], _sqlite_time(r[9]), *r[10:]) for r in rows))


def _insert_many(conn: Connection, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> int:
    written = 0

    def counted() -> Iterator[tuple[Any, ...]]:
        nonlocal written
        for r in rows:
            written += 1
            yield r

    placeholders = ", ".join("?" for _ in columns)
    raw: Any = conn.connection.driver_connection
    # Straight to sqlite3's executemany: SQLAlchemy's per-row parameter handling
    # would cost more than the insert itself.
    raw.executemany(
        f"INSERT INTO comments ({', '.join(columns)}) VALUES ({placeholders})", counted()
    )
    return written


@dataclass(frozen=True)
class Encoded:
    """Rows' VALUES as `write_encoded` sends them: on PostgreSQL, their binary COPY fields
    back to back (row i ends at `ends[i]`); on SQLite, the statement's parameters."""

    data: bytes = b""
    ends: array[int] | None = None
    params: list[tuple[str, str | None, str, str, str]] | None = None

    def __len__(self) -> int:
        return len(self.ends) if self.ends is not None else len(self.params or ())


_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)  # binary timestamptz: microseconds since then
_LENGTH = struct.Struct(">i").pack
_NULL = _LENGTH(-1)
_TIME = struct.Struct(">iq").pack


def encode(dialect: str, values: Iterable[Values]) -> Encoded:
    """The rows' values, ready to send; pure computation, so the importer's worker
    processes do it and hand the result over as one string of bytes (handing over the
    strings themselves would encode and decode them once more)."""
    if dialect != "postgresql":
        return Encoded(params=[(a, e, t, h, _sqlite_time(c)) for a, e, t, h, c in values])
    out = bytearray()
    ends = array("q")
    for author, email, text_, html, created in values:
        a, t, h = author.encode(), text_.encode(), html.encode()
        out += _LENGTH(len(a))
        out += a
        if email is None:
            out += _NULL
        else:
            e = email.encode()
            out += _LENGTH(len(e))
            out += e
        out += _LENGTH(len(t))
        out += t
        out += _LENGTH(len(h))
        out += h
        since = created - _EPOCH
        out += _TIME(8, (since.days * 86400 + since.seconds) * 1_000_000 + since.microseconds)
        ends.append(len(out))
    return Encoded(bytes(out), ends)


def write_encoded(
    conn: Connection, encoded: Encoded, links: Iterable[Link], same: Mapping[str, Any]
) -> int:
    """Insert one row per link: its ids, the `same` values, and the encoded values it
    points at; return how many. `links` may be a generator, consumed as rows are sent."""
    if conn.dialect.name == "postgresql":
        return _copy_encoded(conn, encoded, links, same)
    params = encoded.params or []
    constant = tuple(same.values())
    return _insert_many(
        conn,
        (*_LINKED, *same, *VALUES),
        ((i, t, p, r, *constant, *params[n]) for n, i, t, p, r in links),
    )


def _sqlite_time(value: datetime) -> str:
    """SQLAlchemy's own SQLite DATETIME text (naive UTC), so reads parse it back."""
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.isoformat(" ", "microseconds")[:26]  # without "+00:00"


_LINKED = ("id", "thread_id", "parent_id", "root_id")
_SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # no flags, no header extension
_TRAILER = b"\xff\xff"
# The types `encode` and `_copy_encoded` write, by their fixed PostgreSQL oids:
# bigint 20, text 25, varchar 1043, timestamptz 1184.
_TYPES = {
    **dict.fromkeys(_LINKED, {20}),
    **dict.fromkeys(VALUES[:4], {25, 1043}),
    "created": {1184},
}
_CHUNK = 1 << 18  # bytes handed to the connection at a time


def _copy_encoded(
    conn: Connection, encoded: Encoded, links: Iterable[Link], same: Mapping[str, Any]
) -> int:
    """Binary COPY of rows put together here: each row's ids, packed, then the constant
    fields, then its encoded values (already bytes, from `encode`). Checks first that the
    columns still have the types `encode` writes."""
    raw: Any = conn.connection.driver_connection
    types = _column_types(conn)
    for column in (*_LINKED, *VALUES):
        if types[column] not in _TYPES[column]:
            raise RuntimeError(f"comments.{column} changed type: update bulk.encode")
    constant = _encode_constant(raw, [types[c] for c in same], list(same.values()))
    count = 4 + len(same) + len(VALUES)
    parent = struct.Struct(">hiqiqiqiq").pack
    orphan = struct.Struct(">hiqiqiiq").pack
    data, ends = memoryview(encoded.data), encoded.ends or array("q")
    _prefer_lz4(conn)
    written = 0
    with (
        raw.cursor() as cur,
        cur.copy(
            f"COPY comments ({', '.join((*_LINKED, *same, *VALUES))}) FROM STDIN (FORMAT BINARY)"
        ) as copy,
    ):
        out = bytearray(_SIGNATURE)
        for n, id_, thread_id, parent_id, root_id in links:
            if parent_id is None:
                out += orphan(count, 8, id_, 8, thread_id, -1, 8, root_id)
            else:
                out += parent(count, 8, id_, 8, thread_id, 8, parent_id, 8, root_id)
            out += constant
            out += data[ends[n - 1] if n else 0 : ends[n]]
            written += 1
            if len(out) >= _CHUNK:  # the server stores these while the next are put together
                copy.write(out)
                out = bytearray()
        out += _TRAILER
        copy.write(out)
    return written


def _encode_constant(raw: Any, oids: list[int], values: list[Any]) -> bytes:
    from psycopg.adapt import PyFormat, Transformer
    from psycopg.pq import Format

    tx = Transformer(raw)
    tx.set_dumper_types(oids, Format.BINARY)
    fields = tx.dump_sequence(values, [PyFormat.BINARY] * len(values))
    return b"".join(_NULL if f is None else _LENGTH(len(f)) + bytes(f) for f in fields)


def _prefer_lz4(conn: Connection) -> None:
    """A comment over ~2 KB (text and html together, one in ten) is compressed as it is
    stored: with pglz that was 30 % of the server's COPY time; lz4 is several times
    faster both ways. For this transaction only, and only if the server has lz4; the
    column setting stays as it is, and PostgreSQL reads either."""
    conn.execute(
        text(
            "SELECT set_config('default_toast_compression', 'lz4', true) FROM pg_settings"
            " WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)"
        )
    )


def _copy(conn: Connection, rows: Iterable[Row]) -> int:
    """Binary COPY: psycopg packs each row in C and the server reads fields by length
    instead of scanning them for escapes (here 1.1-1.4 µs a row instead of 4.4-6 in text
    format, and 10-15 % less for the server). The column types come from the catalog, as
    binary COPY needs them exact."""
    raw: Any = conn.connection.driver_connection
    types = _column_types(conn)
    _prefer_lz4(conn)
    written = 0
    with (
        raw.cursor() as cur,
        cur.copy(f"COPY comments ({', '.join(COLUMNS)}) FROM STDIN (FORMAT BINARY)") as copy,
    ):
        copy.set_types([types[name] for name in COLUMNS])
        write = copy.write_row
        for row in rows:
            write(row)
            written += 1
    return written


def _column_types(conn: Connection) -> dict[str, int]:
    rows = conn.execute(
        text(
            "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = 'comments'::regclass"
            " AND attnum > 0 AND NOT attisdropped"
        )
    )
    return {str(name): int(oid) for name, oid in rows}


def is_empty(conn: Connection) -> bool:
    # bool(): SQLite answers 1, not True.
    return bool(conn.execute(text("SELECT NOT EXISTS (SELECT 1 FROM comments)")).scalar_one())


def begin_initial_load(conn: Connection, same_in_every_row: Collection[str]) -> list[str]:
    """Make ready for a load into the empty comments table, in this transaction; return
    the statements that `end_initial_load` runs to undo it.

    PostgreSQL: every other writer and reader stays off the table until the transaction
    ends (dropping an index would take this lock anyway; taking it first, explicitly,
    is what lets `reserve_comment_ids(locked=True)` take ids by blocks). SQLite: its
    BEGIN IMMEDIATE already keeps writers off; a larger page cache for this connection
    while it loads and indexes (100,000 comments: 15-16.5 µs a row instead of 17-19).
    """
    undo: list[str] = []
    if conn.dialect.name == "postgresql":
        conn.execute(text("LOCK TABLE comments IN ACCESS EXCLUSIVE MODE"))
    else:
        size = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
        conn.exec_driver_sql("PRAGMA cache_size = -262144")  # KiB: 256 MiB at most
        undo.append(f"PRAGMA cache_size = {int(size)}")
    return _drop_secondary_indexes(conn, same_in_every_row) + undo


def end_initial_load(conn: Connection, undo: Sequence[str]) -> None:
    """Run what `begin_initial_load` returned: the indexes, then the foreign keys."""
    if conn.dialect.name == "postgresql":
        # For this transaction only: one sort in memory per index instead of spilling to
        # disk (shared by the parallel workers of each build), the foreign keys' checking
        # joins hashed in memory, and no JIT compiling of those joins (50 ms each for a
        # plain scan). 1,000,000 comments: 7.3 s instead of 8.6 for the indexes and keys.
        conn.execute(text("SET LOCAL maintenance_work_mem = '1GB'"))
        conn.execute(text("SET LOCAL work_mem = '1GB'"))
        conn.execute(text("SET LOCAL jit = off"))
    for sql in undo:
        conn.execute(text(sql))


def _drop_secondary_indexes(conn: Connection, same_in_every_row: Collection[str]) -> list[str]:
    """Drop the comments table's secondary indexes and, on PostgreSQL, its foreign keys;
    return the statements that make them again.

    For an initial load only, in the load's own transaction: building an index once over
    millions of sorted rows is several times cheaper than maintaining it row by row, and
    checking a foreign key once for the whole table (one join) cheaper than a trigger per
    row (200,000 comments: COPY 2.6 s instead of 3.8-4.8 s, then 0.4 s to add both keys
    back). The importer only writes parents and threads it has itself resolved; the check
    at the end still covers every row. SQLite cannot drop a constraint: its keys stay.

    An index stays when each of its key columns holds one value in every loaded row
    (`same_in_every_row`, or a column the load leaves to its default), but for a last
    `id`: each new entry lands at its right end, which costs the server less than one
    more scan of the whole table to build it, and it does that work while the importer
    prepares the next rows (1,000,000 comments: 24.5-25.4 s instead of 28.0-28.8 s).
    Not on SQLite, which works in this process, between rows: nothing overlaps there.
    """
    restore: list[str] = []
    if conn.dialect.name == "postgresql":
        keys = conn.execute(
            text(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
                " WHERE conrelid = 'comments'::regclass AND contype = 'f'"
            )
        ).all()
        for name, definition in keys:
            conn.execute(text(f'ALTER TABLE comments DROP CONSTRAINT "{name}"'))
            restore.append(f'ALTER TABLE comments ADD CONSTRAINT "{name}" {definition}')
        same = set(same_in_every_row) | (set(_column_types(conn)) - set(COLUMNS))
    else:
        same = set()
    indexes = []
    for name, sql, columns in _secondary_indexes(conn):
        if columns and columns[-1] == "id":
            columns = columns[:-1]
        if columns is None or not set(columns) <= same:
            conn.execute(text(f'DROP INDEX "{name}"'))
            indexes.append(sql)
    return indexes + restore


def _secondary_indexes(conn: Connection) -> list[tuple[str, str, list[str] | None]]:
    """(name, definition, key columns or None) of each index of the comments table but
    the primary key and the unique ones."""
    if conn.dialect.name == "postgresql":
        rows = conn.execute(
            text(
                "SELECT c.relname, pg_get_indexdef(c.oid), x.indexprs IS NOT NULL,"
                " array(SELECT a.attname FROM unnest(x.indkey::int2[]) WITH ORDINALITY"
                " AS k(attnum, n) JOIN pg_attribute a ON a.attrelid = x.indrelid"
                " AND a.attnum = k.attnum ORDER BY k.n)"
                " FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid"
                " WHERE x.indrelid = 'comments'::regclass"
                " AND NOT x.indisprimary AND NOT x.indisunique"
            )
        ).all()
        return [(str(n), str(sql), None if expr else list(cols)) for n, sql, expr, cols in rows]
    rows = conn.execute(
        text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
            " AND tbl_name = 'comments' AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'"
        )
    ).all()
    return [(str(name), str(sql), None) for name, sql in rows]  # SQLite rebuilds them all


def analyze(conn: Connection) -> None:
    """Fresh planner statistics after a bulk load, on PostgreSQL.

    Not for the columns of type text (text, html, verdict): their statistics serve no
    plan (200,000 comments: 0.37 s instead of 0.68 s).

    Not on SQLite: its statistics keep one average per index, and imported comments
    all share the empty client hash, so after ANALYZE it would scan the whole table for
    a poster's recent comments (260 ms a post at 100,000 comments) instead of using
    ix_comments_client_hash. The store's queries are written to need no statistics.
    """
    if conn.dialect.name == "postgresql":
        columns = conn.execute(
            text(
                "SELECT quote_ident(attname) FROM pg_attribute"
                " WHERE attrelid = 'comments'::regclass AND attnum > 0 AND NOT attisdropped"
                " AND atttypid <> 'text'::regtype"
            )
        ).scalars()
        conn.execute(text(f"ANALYZE comments ({', '.join(columns)})"))
        conn.execute(text("ANALYZE threads"))
