from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

from parvis.domain.comment import CommentStatus
from parvis.services.runtime import Runtime
from parvis.store import audit, comments, ratelimits, threads
from parvis.store.comments import NewComment


def _new(
    rt: Runtime,
    thread_id: int,
    status: CommentStatus = CommentStatus.PUBLISHED,
    parent: int | None = None,
    root: int | None = None,
) -> NewComment:
    return NewComment(
        thread_id=thread_id,
        parent_id=parent,
        root_id=root,
        author="Marie",
        email="m@example.org",
        text="Bonjour",
        html="<p>Bonjour</p>",
        status=status,
        created=rt.now(),
        client_hash="h",
    )


def test_comment_numbers_increase_across_threads(rt: Runtime) -> None:
    with rt.db.write() as conn:
        a = threads.get_or_create(conn, "/a", "A", rt.now())
        b = threads.get_or_create(conn, "/b", "B", rt.now())
        ids = [comments.insert(conn, _new(rt, t.id)) for t in (a, b, a, b)]
    assert ids == sorted(ids) and len(set(ids)) == 4


def test_get_or_create_thread_returns_the_same_row(rt: Runtime) -> None:
    with rt.db.write() as conn:
        first = threads.get_or_create(conn, "/a", "A", rt.now())
        again = threads.get_or_create(conn, "/a", "Other title", rt.now())
    assert first == again and again.title == "A"


def test_concurrent_thread_creation_makes_one_thread(rt: Runtime) -> None:
    results: list[int] = []

    def create() -> None:
        with rt.db.write() as conn:
            results.append(threads.get_or_create(conn, "/race", "Race", rt.now()).id)

    workers = [threading.Thread(target=create) for _ in range(6)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert len(set(results)) == 1 and len(results) == 6


def test_top_level_comment_is_its_own_root_and_replies_keep_it(rt: Runtime) -> None:
    with rt.db.write() as conn:
        t = threads.get_or_create(conn, "/a", "A", rt.now())
        root = comments.insert(conn, _new(rt, t.id))
        reply = comments.insert(conn, _new(rt, t.id, parent=root, root=root))
        got = comments.get_many(conn, [root, reply])
    assert got[root].root_id == root and got[reply].root_id == root


def test_counts_by_uri_in_one_query_only_count_published(rt: Runtime) -> None:
    with rt.db.write() as conn:
        t = threads.get_or_create(conn, "/a", "A", rt.now())
        threads.get_or_create(conn, "/empty", "E", rt.now())
        comments.insert(conn, _new(rt, t.id))
        comments.insert(conn, _new(rt, t.id, CommentStatus.PENDING))
        comments.insert(conn, _new(rt, t.id, CommentStatus.REJECTED))
    with rt.db.read() as conn:
        counts = threads.published_counts_by_uri(conn, ["/a", "/empty", "/unknown"])
    assert counts == {"/a": 1, "/empty": 0}


def test_keyset_pages_do_not_overlap(rt: Runtime) -> None:
    with rt.db.write() as conn:
        t = threads.get_or_create(conn, "/a", "A", rt.now())
        ids = [comments.insert(conn, _new(rt, t.id)) for _ in range(7)]
    with rt.db.read() as conn:
        first = comments.published_roots(conn, t.id, None, 3)
        second = comments.published_roots(conn, t.id, first[-1].id, 3)
        third = comments.published_roots(conn, t.id, second[-1].id, 3)
    seen = [c.id for c in first + second + third]
    assert seen == sorted(ids, reverse=True)


def test_rate_limit_counter_resets_with_the_window(rt: Runtime) -> None:
    with rt.db.write() as conn:
        assert [ratelimits.hit(conn, "k", 100) for _ in range(3)] == [1, 2, 3]
        assert ratelimits.hit(conn, "k", 160) == 1
        assert ratelimits.hit(conn, "other", 160) == 1


def test_audit_entries_name_the_moderator_or_none(rt: Runtime) -> None:
    from parvis.domain.moderator import Role
    from parvis.store import moderators

    with rt.db.write() as conn:
        t = threads.get_or_create(conn, "/a", "A", rt.now())
        cid = comments.insert(conn, _new(rt, t.id))
        mid = moderators.add(conn, "alice", Role.MODERATOR, "hash", rt.now())
        audit.record(
            conn, at=rt.now(), action="approve", moderator_id=mid, comment_id=cid, thread_id=t.id
        )
        audit.record(conn, at=rt.now(), action="auto-reject", comment_id=cid, rule="insult")
    with rt.db.read() as conn:
        entries = audit.for_comment(conn, cid)
    assert [(e.moderator, e.action, e.rule) for e in entries] == [
        (None, "auto-reject", "insult"),
        ("alice", "approve", None),
    ]


def test_migrations_are_idempotent(rt: Runtime) -> None:
    rt.db.migrate()
    rt.db.migrate()
    assert rt.db.ping()


def test_upgrading_a_sqlite_database_that_holds_comments(tmp_path: object) -> None:
    """SQLite migrations copy tables; replies' foreign keys must survive the copy."""
    from alembic import command
    from alembic.config import Config

    from parvis.store.db import _MIGRATIONS, Database

    db = Database(f"sqlite:///{tmp_path}/old.db")
    with db.engine.begin() as conn:
        cfg = Config()
        cfg.set_main_option("script_location", str(_MIGRATIONS))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0002")
        conn.exec_driver_sql(
            "INSERT INTO threads (uri, title, closed, created) VALUES ('/a', 'A', 0, '2025-01-01')"
        )
        for parent in ("NULL", "1"):
            conn.exec_driver_sql(
                "INSERT INTO comments (thread_id, parent_id, author, text, html, status, created,"
                f" client_hash, risk, flags) VALUES (1, {parent}, 'a', 't', 'h', 'published',"
                " '2025-01-01', '', 0, '')"
            )
    db.migrate()
    with db.read() as conn:  # 0008 counted the published comments already there
        assert threads.published_counts_by_uri(conn, ["/a"]) == {"/a": 2}
    db.dispose()


def test_the_migrations_build_the_schema_the_code_declares(rt: Runtime) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from parvis.store.schema import metadata

    with rt.db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_alembics_command_line_migrates_the_configured_database(tmp_path: Path) -> None:
    """`alembic.ini` at the root, for developers writing a migration (README)."""
    alembic = Path(sys.executable).with_name("alembic")
    env = {**os.environ, "PARVIS_DB": f"sqlite:///{tmp_path}/dev.db"}
    root = Path(__file__).resolve().parents[2]

    def run(*args: str) -> str:
        done = subprocess.run(
            [str(alembic), *args], cwd=root, env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        return done.stdout + done.stderr

    run("upgrade", "head")
    heads = run("heads")
    assert run("current").split()[0] == heads.split()[0]
    assert "No new upgrade operations detected" in run("check")
