"""The moderators' day: filters, authors' history, notes, undo."""

from __future__ import annotations

import pytest

from parvis.domain.comment import CommentStatus
from parvis.domain.moderator import Moderator, Role
from parvis.domain.queue import QueueFilter
from parvis.errors import Conflict
from parvis.services import accounts, moderating, posting
from parvis.services.posting import CommentInput
from parvis.services.runtime import Runtime
from parvis.store import audit
from tests.conftest import Clock


@pytest.fixture
def alice(rt: Runtime) -> Moderator:
    accounts.add_moderator(rt, "alice", Role.MODERATOR, "correct horse")
    return accounts.authenticate(rt, "alice", "correct horse")


def post(rt: Runtime, ip: str = "192.0.2.1", **kw: object) -> int:
    data = {"uri": "/a", "author": "Marie", "text": "Bonjour."} | kw
    return posting.post_comment(rt, CommentInput(**data), ip, trusted=True).id  # type: ignore[arg-type]


def test_filter_by_article_author_and_age(rt: Runtime, clock: Clock) -> None:
    old = post(rt, uri="/a", author="Marie")
    clock.advance(hours=3)
    other_article = post(rt, uri="/b", author="Marie")
    other_author = post(rt, uri="/a", author="Paul", ip="192.0.2.2")
    items, _ = moderating.queue(rt, where=QueueFilter(author="Paul"))
    assert [i.comment.id for i in items] == [other_author]
    a_id = items[0].thread.id
    items, total = moderating.queue(rt, where=QueueFilter(thread_id=a_id))
    assert {i.comment.id for i in items} == {old, other_author} and total == 2
    items, _ = moderating.queue(
        rt, where=QueueFilter(older_than=clock.now.replace(hour=clock.now.hour - 2))
    )
    assert [i.comment.id for i in items] == [old]
    assert other_article


def test_each_item_shows_its_authors_history(rt: Runtime, alice: Moderator) -> None:
    first = post(rt, author="Marie")
    moderating.decide(rt, alice, first, "reject")
    second = post(rt, author="Marie")
    moderating.decide(rt, alice, second, "approve")
    renamed = post(rt, author="Marie B.")  # same client, another pseudonym
    stranger = post(rt, author="Paul", ip="198.51.100.3")
    items = {i.comment.id: i for i in moderating.queue(rt)[0]}
    history = items[renamed].history
    assert history is not None
    assert [c.id for c in history.earlier] == [second, first]
    assert (history.published, history.rejected, history.pending) == (1, 1, 0)
    assert items[stranger].history.earlier == []  # type: ignore[union-attr]


def test_a_private_note_goes_with_the_decision(rt: Runtime, alice: Moderator) -> None:
    cid = post(rt)
    moderating.decide(rt, alice, cid, "reject", note="troll connu")
    with rt.db.read() as conn:
        assert audit.for_comment(conn, cid)[0].note == "troll connu"


def test_undo_within_ten_seconds_puts_the_comment_back(
    rt: Runtime, alice: Moderator, clock: Clock
) -> None:
    cid = post(rt)
    moderating.decide(rt, alice, cid, "approve")
    clock.advance(seconds=9)
    assert moderating.undo(rt, alice, cid).status == CommentStatus.PENDING
    with rt.db.read() as conn:
        assert [e.action for e in audit.for_comment(conn, cid)] == ["undo", "approve"]
    with pytest.raises(Conflict):  # nothing left to undo
        moderating.undo(rt, alice, cid)


def test_undo_is_refused_after_ten_seconds(rt: Runtime, alice: Moderator, clock: Clock) -> None:
    cid = post(rt)
    moderating.decide(rt, alice, cid, "reject")
    clock.advance(seconds=11)
    with pytest.raises(Conflict):
        moderating.undo(rt, alice, cid)


def test_one_cannot_undo_someone_elses_decision(rt: Runtime, alice: Moderator) -> None:
    accounts.add_moderator(rt, "bob", Role.MODERATOR, "correct horse")
    bob = accounts.authenticate(rt, "bob", "correct horse")
    cid = post(rt)
    moderating.decide(rt, alice, cid, "approve")
    with pytest.raises(Conflict):
        moderating.undo(rt, bob, cid)
