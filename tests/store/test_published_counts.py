"""Each thread's count of published comments follows every status change, exactly."""

from __future__ import annotations

import threading

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from parvis.domain.comment import CommentStatus
from parvis.services.runtime import Runtime
from parvis.store import comments, threads
from parvis.store.comments import NewComment
from parvis.store.schema import comments as comments_table

PUBLISHED = CommentStatus.PUBLISHED


def _new(rt: Runtime, thread_id: int, status: CommentStatus) -> NewComment:
    return NewComment(
        thread_id=thread_id,
        parent_id=None,
        root_id=None,
        author="Marie",
        email=None,
        text="Bonjour",
        html="<p>Bonjour</p>",
        status=status,
        created=rt.now(),
        client_hash="h",
    )


def _counted(rt: Runtime, uri: str) -> int:
    with rt.db.read() as conn:
        return threads.published_counts_by_uri(conn, [uri]).get(uri, 0)


def _actual(rt: Runtime, thread_id: int) -> int:
    with rt.db.read() as conn:
        return int(
            conn.execute(
                select(func.count()).where(
                    comments_table.c.thread_id == thread_id,
                    comments_table.c.status == PUBLISHED.value,
                )
            ).scalar_one()
        )


def test_every_way_a_status_changes_moves_the_count(rt: Runtime) -> None:
    with rt.db.write() as conn:
        t = threads.get_or_create(conn, "/a", "A", rt.now())
        published = comments.insert(conn, _new(rt, t.id, PUBLISHED))
        pending = comments.insert(conn, _new(rt, t.id, CommentStatus.PENDING))
    assert _counted(rt, "/a") == 1
    with rt.db.write() as conn:
        comments.set_status(conn, pending, PUBLISHED, rt.now())  # approved
    assert _counted(rt, "/a") == 2
    with rt.db.write() as conn:
        comments.set_status(conn, pending, PUBLISHED, rt.now())  # approved twice
    assert _counted(rt, "/a") == 2
    with rt.db.write() as conn:  # edited: back to pending until checked
        comments.update_text(
            conn, published, "x", "<p>x</p>", CommentStatus.PENDING, None, rt.now()
        )
    assert _counted(rt, "/a") == 1
    with rt.db.write() as conn:
        comments.finish_check(conn, published, None, PUBLISHED)
    assert _counted(rt, "/a") == 2
    with rt.db.write() as conn:
        comments.finish_check(conn, published, None, None)  # a verdict, no status change
        comments.set_status(conn, pending, CommentStatus.DELETED, rt.now(), decided=False)
    assert _counted(rt, "/a") == 1 == _actual(rt, t.id)


STATUSES = st.sampled_from(list(CommentStatus))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    first=st.lists(STATUSES, min_size=1, max_size=6),
    changes=st.lists(
        st.tuples(st.integers(0, 5), STATUSES, st.sampled_from(["set", "edit", "check"])),
        max_size=20,
    ),
)
def test_the_count_always_equals_the_published_comments(
    rt: Runtime, first: list[CommentStatus], changes: list[tuple[int, CommentStatus, str]]
) -> None:
    with rt.db.write() as conn:
        t = threads.get_or_create(conn, "/p", "P", rt.now())
        before = _actual(rt, t.id) if t.published else 0
        ids = [comments.insert(conn, _new(rt, t.id, s)) for s in first]
    for index, status, how in changes:
        comment_id = ids[index % len(ids)]
        with rt.db.write() as conn:
            if how == "set":
                comments.set_status(conn, comment_id, status, rt.now())
            elif how == "edit":
                comments.update_text(conn, comment_id, "t", "<p>t</p>", status, None, rt.now())
            else:
                comments.finish_check(conn, comment_id, None, status)
    assert _counted(rt, "/p") == _actual(rt, t.id) >= before


def test_concurrent_approvals_of_one_comment_count_it_once(rt: Runtime) -> None:
    with rt.db.write() as conn:
        t = threads.get_or_create(conn, "/race", "R", rt.now())
        pending = comments.insert(conn, _new(rt, t.id, CommentStatus.PENDING))
    start = threading.Barrier(6)

    def approve() -> None:
        start.wait()
        with rt.db.write() as conn:
            comments.set_status(conn, pending, PUBLISHED, rt.now())

    workers = [threading.Thread(target=approve) for _ in range(6)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert _counted(rt, "/race") == 1 == _actual(rt, t.id)


def test_an_import_counts_what_it_wrote(rt: Runtime) -> None:
    from parvis.services.importing import import_comments

    lines = [
        b'{"id": 1, "uri": "/i", "author": "A", "text": "un", "created": 1700000000}',
        b'{"id": 2, "uri": "/i", "parent": 1, "author": "B", "text": "deux", "created": 17}',
        b'{"id": 3, "uri": "/i", "parent": 99, "author": "C", "text": "orphan", "created": 1}',
        b'{"id": 4, "uri": "/j", "author": "D", "text": "trois", "created": 1700000002}',
    ]
    import_comments(rt, lines)
    with rt.db.read() as conn:
        assert threads.published_counts_by_uri(conn, ["/i", "/j"]) == {"/i": 2, "/j": 1}
