"""The bulk loader's SQL on SQLite and PostgreSQL: threads, ids, rows, the initial load."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Connection, select, text

from parvis.services.runtime import Runtime
from parvis.store import bulk
from parvis.store.schema import comments

WHEN = datetime(2024, 1, 8, 3, 48, 37, 123456, tzinfo=UTC)


def row(id: int, thread_id: int, **change: object) -> bulk.Row:
    values: dict[str, object] = {
        "id": id,
        "thread_id": thread_id,
        "parent_id": None,
        "root_id": id,
        "author": "Marie",
        "email": None,
        "text": "Bonjour",
        "html": "<p>Bonjour</p>",
        "status": "published",
        "created": WHEN,
        "client_hash": "",
        "risk": 0.0,
        "flags": "",
    }
    values.update(change)
    return tuple(values[c] for c in bulk.COLUMNS)  # type: ignore[return-value]


def index_names(conn: Connection) -> set[str]:
    if conn.dialect.name == "postgresql":
        sql = "SELECT indexname FROM pg_indexes WHERE tablename = 'comments'"
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'comments'"
    return set(conn.execute(text(sql)).scalars())


def test_an_empty_table_is_empty_on_both_databases(rt: Runtime) -> None:
    with rt.db.write() as conn:
        assert bulk.is_empty(conn) is True
        tid = bulk.create_threads(conn, [("/a", "A", WHEN)])["/a"]
        bulk.write_comments(conn, [row(1, tid)])
        assert bulk.is_empty(conn) is False


def test_threads_are_created_once_and_found_after(rt: Runtime) -> None:
    uris = [f"/article-{i}" for i in range(1200)]  # more than one SQLite chunk
    with rt.db.write() as conn:
        made = bulk.create_threads(conn, [(u, u, WHEN) for u in uris[:700]])
        again = bulk.create_threads(conn, [(u, u, WHEN) for u in uris[600:]])
        found = bulk.thread_ids(conn, [*uris, "/nowhere"])
    assert set(made) == set(uris[:700]) and set(again) == set(uris[700:])
    assert found == made | again and len(set(found.values())) == 1200


@pytest.mark.parametrize("locked", [True, False])
def test_reserved_ids_increase_batch_after_batch(rt: Runtime, locked: bool) -> None:
    with rt.db.write() as conn:
        undo = bulk.begin_initial_load(conn, ()) if locked else []
        tid = bulk.create_threads(conn, [("/a", "A", WHEN)])["/a"]
        first = bulk.reserve_comment_ids(conn, 5, locked=locked)
        bulk.write_comments(conn, [row(i, tid) for i in first])
        second = bulk.reserve_comment_ids(conn, 3, locked=locked)
        bulk.end_initial_load(conn, undo)
    assert first == sorted(set(first)) and second == sorted(set(second))
    assert first[-1] < second[0]
    if locked or rt.db.is_sqlite:  # one block each
        assert first == list(range(first[0], first[0] + 5)) and second[0] == first[-1] + 1


def test_rows_stream_from_a_generator_and_read_back_the_same(rt: Runtime) -> None:
    paris = timezone(timedelta(hours=2))
    with rt.db.write() as conn:
        tid = bulk.create_threads(conn, [("/a", "A", WHEN)])["/a"]
        ids = bulk.reserve_comment_ids(conn, 3)
        rows = (
            row(ids[0], tid, text="a\tb\\c\nd", html="<p>é</p>"),
            row(ids[1], tid, parent_id=ids[0], root_id=ids[0], email="m@example.org"),
            row(ids[2], tid, created=WHEN.astimezone(paris), risk=0.5, flags=",spam,"),
        )
        assert bulk.write_comments(conn, (r for r in rows)) == 3
    with rt.db.read() as conn:
        back = conn.execute(select(comments).order_by(comments.c.id)).all()
    assert [r.text for r in back][0] == "a\tb\\c\nd" and back[1].parent_id == ids[0]
    assert all(r.created.replace(tzinfo=UTC) == WHEN for r in back)
    assert (back[2].risk, back[2].flags, back[1].email) == (0.5, ",spam,", "m@example.org")


def test_an_initial_load_drops_the_indexes_it_would_pay_for_and_restores_all(
    rt: Runtime,
) -> None:
    same = ("status", "client_hash", "risk", "flags")
    with rt.db.write() as conn:
        before = index_names(conn)
        undo = bulk.begin_initial_load(conn, same)
        during = index_names(conn)
        bulk.end_initial_load(conn, undo)
        after = index_names(conn)
    assert after == before
    assert "ix_comments_author" not in during and "ix_comments_thread_status_id" not in during
    if rt.db.is_sqlite:  # nothing overlaps with SQLite: all go
        assert during == {n for n in before if n.startswith("sqlite_autoindex")}
    else:  # an entry lands at the right end: they stay
        assert {"ix_comments_status_id", "ix_comments_client_hash"} <= during


@pytest.mark.postgresql_only
def test_long_comments_are_compressed_with_lz4_when_the_server_has_it(rt: Runtime) -> None:
    long = "Un commentaire assez long pour être compressé. " * 200
    with rt.db.write() as conn:
        has_lz4 = conn.execute(
            text(
                "SELECT 'lz4' = ANY(enumvals) FROM pg_settings"
                " WHERE name = 'default_toast_compression'"
            )
        ).scalar_one()
        tid = bulk.create_threads(conn, [("/a", "A", WHEN)])["/a"]
        bulk.write_comments(conn, [row(bulk.reserve_comment_ids(conn, 1)[0], tid, text=long)])
    with rt.db.read() as conn:
        method = conn.execute(text("SELECT pg_column_compression(text) FROM comments")).scalar()
        setting = conn.execute(text("SHOW default_toast_compression")).scalar()
    assert method == ("lz4" if has_lz4 else "pglz")
    assert setting == "pglz"  # the transaction's own setting did not outlive it


@pytest.mark.postgresql_only
def test_the_importers_rows_are_compressed_with_lz4_too(rt: Runtime) -> None:
    """The importer writes through `encode` and `write_encoded`, not `write_comments`."""
    long = "Un commentaire assez long pour être compressé. " * 200
    with rt.db.write() as conn:
        has_lz4 = conn.execute(
            text(
                "SELECT 'lz4' = ANY(enumvals) FROM pg_settings"
                " WHERE name = 'default_toast_compression'"
            )
        ).scalar_one()
        tid = bulk.create_threads(conn, [("/a", "A", WHEN)])["/a"]
        [new_id] = bulk.reserve_comment_ids(conn, 1)
        encoded = bulk.encode("postgresql", [("Marie", None, long, "<p>x</p>", WHEN)])
        same = {"status": "published", "client_hash": "", "risk": 0.0, "flags": ""}
        assert bulk.write_encoded(conn, encoded, [(0, new_id, tid, None, new_id)], same) == 1
    with rt.db.read() as conn:
        method = conn.execute(text("SELECT pg_column_compression(text) FROM comments")).scalar()
        stored = conn.execute(text("SELECT text FROM comments")).scalar()
    assert method == ("lz4" if has_lz4 else "pglz") and stored == long
