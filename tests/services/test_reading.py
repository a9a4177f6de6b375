from __future__ import annotations

import pytest
from sqlalchemy import event

from parvis.domain.comment import CommentStatus
from parvis.errors import Invalid
from parvis.services import reading
from parvis.services.runtime import Runtime
from parvis.store import comments, threads
from parvis.store.comments import NewComment
from tests.conftest import Clock


def seed(rt: Runtime, clock: Clock, uri: str, roots: int, replies_each: int = 2) -> list[int]:
    """`roots` top-level published comments, each with a reply and a reply to the reply."""
    ids = []
    with rt.db.write() as conn:
        t = threads.get_or_create(conn, uri, "T", rt.now())
        for i in range(roots):
            clock.advance(minutes=1)
            root = comments.insert(conn, _c(t.id, f"racine {i}", clock))
            ids.append(root)
            parent = root
            for j in range(replies_each):
                clock.advance(seconds=1)
                parent = comments.insert(conn, _c(t.id, f"réponse {i}.{j}", clock, parent, root))
        comments.insert(conn, _c(t.id, "en attente", clock, status=CommentStatus.PENDING))
    return ids


def _c(
    thread_id: int,
    text: str,
    clock: Clock,
    parent: int | None = None,
    root: int | None = None,
    status: CommentStatus = CommentStatus.PUBLISHED,
) -> NewComment:
    return NewComment(
        thread_id=thread_id,
        parent_id=parent,
        root_id=root,
        author="A",
        email="secret@example.org",
        text=text,
        html=f"<p>{text}</p>",
        status=status,
        created=clock.now,
        client_hash="h",
    )


def test_newest_first_with_nested_replies(rt: Runtime, clock: Clock) -> None:
    roots = seed(rt, clock, "/a", 3)
    page = reading.thread_page(rt, "/a")
    assert [c.id for c in page.comments] == roots[::-1]
    assert page.total == 9 and page.next is None
    first = page.comments[-1]
    assert first.html == "<p>racine 0</p>"
    assert first.replies[0].html == "<p>réponse 0.0</p>"
    assert first.replies[0].replies[0].html == "<p>réponse 0.1</p>"


def test_paging_with_the_before_cursor(rt: Runtime, clock: Clock) -> None:
    roots = seed(rt, clock, "/a", 5, replies_each=0)
    first = reading.thread_page(rt, "/a", limit=2)
    second = reading.thread_page(rt, "/a", before=first.next, limit=2)
    third = reading.thread_page(rt, "/a", before=second.next, limit=2)
    assert [c.id for p in (first, second, third) for c in p.comments] == roots[::-1]
    assert third.next is None


@pytest.mark.parametrize("cursor", ["abc", "WzEsIDNd.bad", "e30.xxxx"])
def test_a_tampered_cursor_is_refused(rt: Runtime, clock: Clock, cursor: str) -> None:
    seed(rt, clock, "/a", 3)
    with pytest.raises(Invalid) as err:
        reading.thread_page(rt, "/a", before=cursor)
    assert err.value.field == "before"


def test_a_cursor_of_another_thread_is_refused(rt: Runtime, clock: Clock) -> None:
    seed(rt, clock, "/a", 3, 0)
    seed(rt, clock, "/b", 3, 0)
    other = reading.thread_page(rt, "/b", limit=1).next
    with pytest.raises(Invalid):
        reading.thread_page(rt, "/a", before=other)


def test_an_unknown_uri_is_an_empty_thread(rt: Runtime) -> None:
    page = reading.thread_page(rt, "/never-seen")
    assert page.total == 0 and page.comments == [] and page.next is None


def test_limit_out_of_range_is_refused(rt: Runtime) -> None:
    for limit in (0, 10_000):
        with pytest.raises(Invalid):
            reading.thread_page(rt, "/a", limit=limit)


def count_statements(rt: Runtime) -> list[str]:
    seen: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    event.listen(rt.db.engine, "before_cursor_execute", record)
    return seen


def test_a_thread_page_costs_the_same_statements_whatever_its_size(
    rt: Runtime, clock: Clock
) -> None:
    seed(rt, clock, "/small", 2, replies_each=1)
    seed(rt, clock, "/big", 120, replies_each=3)
    seen = count_statements(rt)
    reading.thread_page(rt, "/small", limit=20)
    small = len(seen)
    seen.clear()
    page = reading.thread_page(rt, "/big", limit=20)
    big = len(seen)
    seen.clear()
    reading.thread_page(rt, "/big", before=page.next, limit=20)
    assert small == big == len(seen) == 3  # thread and its count, roots, replies


def test_counts_for_many_uris_cost_one_statement(rt: Runtime, clock: Clock) -> None:
    seed(rt, clock, "/a", 2, 1)
    seed(rt, clock, "/b", 1, 0)
    seen = count_statements(rt)
    assert reading.counts(rt, ["/a", "/b", "/nope"]) == {"/a": 4, "/b": 1, "/nope": 0}
    assert len(seen) == 1


def test_too_many_uris_for_counts_is_refused(rt: Runtime) -> None:
    with pytest.raises(Invalid):
        reading.counts(rt, [f"/{i}" for i in range(101)])
