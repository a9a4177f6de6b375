"""The dashboard's figures on a known data set, on SQLite and PostgreSQL.

The site's days are Paris days: a comment posted at 23:30 in Paris (21:30 UTC) counts on
that day, one at 00:30 (22:30 UTC the day before) on the next.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from starlette.testclient import TestClient

from parvis.domain.comment import CommentStatus
from parvis.domain.moderator import Role
from parvis.services import accounts, statistics
from parvis.services.runtime import Runtime
from parvis.store import audit, comments, threads
from parvis.store.comments import NewComment
from parvis.store.schema import reports
from tests.conftest import Clock

NOW = datetime(2025, 8, 15, 16, 42, tzinfo=UTC)  # the clock fixture's time


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 8, day, hour, minute, tzinfo=UTC)


def _comment(rt: Runtime, thread_id: int, created: datetime, status: CommentStatus) -> int:
    with rt.db.write() as conn:
        return comments.insert(
            conn,
            NewComment(
                thread_id=thread_id,
                parent_id=None,
                root_id=None,
                author="Lecteur",
                email=None,
                text="Un avis.",
                html="<p>Un avis.</p>",
                status=status,
                created=created,
                client_hash="c",
            ),
        )


def _decide(
    rt: Runtime,
    comment_id: int,
    when: datetime,
    action: str,
    rule: str | None,
    moderator_id: int | None,
) -> None:
    """A person's decision stamps `decided`; the charter's, at posting, does not."""
    status = CommentStatus.PUBLISHED if action.endswith("approve") else CommentStatus.REJECTED
    with rt.db.write() as conn:
        if moderator_id is not None:
            comments.set_status(conn, comment_id, status, when)
        audit.record(
            conn,
            at=when,
            action=action,
            moderator_id=moderator_id,
            comment_id=comment_id,
            rule=rule,
        )


def _report(rt: Runtime, thread_id: int, when: datetime, n: int) -> None:
    with rt.db.write() as conn:
        conn.execute(
            reports.insert().values(
                thread_id=thread_id,
                comment_id=None,
                target=f"t{thread_id}",
                reason="spam",
                reader=f"r{n}",
                client_hash=f"h{n}",
                created=when,
            )
        )


@pytest.fixture
def known(rt: Runtime, clock: Clock) -> Runtime:
    assert clock.now == NOW
    m = accounts.add_moderator(rt, "alice", Role.MODERATOR, "un mot de passe")
    with rt.db.write() as conn:
        t = threads.get_or_create(conn, "/2025/08/canicule", "Canicule", at(1, 8)).id
    pending, rejected, published = (
        CommentStatus.PENDING,
        CommentStatus.REJECTED,
        CommentStatus.PUBLISHED,
    )
    # Long before the window: neither counted nor waiting.
    z = _comment(rt, t, at(1, 10), pending)
    _decide(rt, z, at(2, 10), "approve", None, m)
    # Posted before the window, decided inside it: waiting when it begins; waited 23 h.
    a = _comment(rt, t, at(12, 10), pending)
    _decide(rt, a, at(13, 9), "approve", None, m)
    # 13 August: one waits 30 min, one is refused by the charter at once.
    b = _comment(rt, t, at(13, 8), pending)
    _decide(rt, b, at(13, 8, 30), "reject", "insult", m)
    c = _comment(rt, t, at(13, 8), rejected)
    _decide(rt, c, at(13, 8), "auto-reject", "insult", None)
    # 14 August, 23:30 in Paris: waits 9 h.
    d = _comment(rt, t, at(14, 21, 30), pending)
    _decide(rt, d, at(15, 6, 30), "approve", "language", m)
    # 15 August, 00:30 in Paris: still waiting.
    _comment(rt, t, at(14, 22, 30), pending)
    f = _comment(rt, t, at(15, 10), published)
    _decide(rt, f, at(15, 10), "auto-approve", None, None)
    g = _comment(rt, t, at(15, 12), pending)
    _decide(rt, g, at(15, 12, 10), "approve", None, m)
    # Not a decision: left out of the shares.
    with rt.db.write() as conn:
        audit.record(conn, at=at(14, 9), action="ban", moderator_id=m, note="#1")
    _report(rt, t, at(13, 12), 1)
    _report(rt, t, at(15, 9), 2)
    _report(rt, t, at(15, 21, 59), 3)
    _report(rt, t, at(15, 22, 1), 4)  # 16 August in Paris: tomorrow
    return rt


def test_figures_per_paris_day(known: Runtime) -> None:
    s = statistics.statistics(known, days=3)
    assert [d.day.isoformat() for d in s.comments] == ["2025-08-13", "2025-08-14", "2025-08-15"]
    assert [d.value for d in s.comments] == [2, 1, 3]
    assert [d.value for d in s.reports] == [1, 0, 2]
    assert [d.value for d in s.queue] == [0, 1, 1]


def test_decisions_shares_and_median(known: Runtime) -> None:
    s = statistics.statistics(known, days=3)
    assert (s.automatic, s.human) == (2, 4)
    assert s.automatic_share == pytest.approx(1 / 3)
    by_rule = {r.rule: (r.approved, r.rejected, r.automatic, r.human) for r in s.rules}
    assert by_rule == {"none": (3, 0, 1, 2), "insult": (0, 2, 1, 1), "language": (1, 0, 0, 1)}
    assert [r.rule for r in s.rules] == ["none", "insult", "language"]
    # Waits of 600 s, 1800 s, 9 h and 23 h: the median is between the middle two.
    assert s.median_seconds == pytest.approx((1800 + 32400) / 2, abs=0.01)


def test_the_window_moves_the_figures(known: Runtime) -> None:
    s = statistics.statistics(known, days=1)
    assert [d.value for d in s.comments] == [3]
    assert [d.value for d in s.queue] == [1]
    assert (s.automatic, s.human) == (1, 2)  # F; D and G
    assert s.median_seconds == pytest.approx((600 + 32400) / 2, abs=0.01)  # G and D
    wide = statistics.statistics(known, days=30)
    assert sum(d.value for d in wide.comments) == 8
    assert wide.queue[-1].value == 1


def test_an_empty_database_has_zeros_and_no_median(rt: Runtime) -> None:
    s = statistics.statistics(rt)
    assert len(s.comments) == 30 and not any(d.value for d in s.comments + s.queue)
    assert s.automatic_share is None and s.median_seconds is None and s.rules == []


def _login(client: TestClient, rt: Runtime) -> None:
    accounts.add_moderator(rt, "bea", Role.MODERATOR, "un mot de passe")
    client.post("/mod/login", data={"name": "bea", "password": "un mot de passe"})


def test_the_json_gives_the_same_figures(client: TestClient, known: Runtime) -> None:
    _login(client, known)
    data = client.get("/mod/stats.json", params={"days": 3}).json()
    assert data["from"] == "2025-08-13" and data["to"] == "2025-08-15"
    assert data["timezone"] == "Europe/Paris"
    assert [d["count"] for d in data["comments_per_day"]] == [2, 1, 3]
    assert [d["count"] for d in data["reports_per_day"]] == [1, 0, 2]
    assert data["queue_per_day"] == [
        {"day": "2025-08-13", "pending": 0},
        {"day": "2025-08-14", "pending": 1},
        {"day": "2025-08-15", "pending": 1},
    ]
    assert data["decisions"] == {"automatic": 2, "human": 4, "automatic_share": 0.3333}
    assert data["median_decision_seconds"] == 17100.0
    assert data["decisions_per_rule"][0] == {
        "rule": "none",
        "approved": 3,
        "rejected": 0,
        "automatic": 1,
        "human": 2,
        "total": 3,
    }
    assert len(client.get("/mod/stats.json").json()["comments_per_day"]) == 30


def test_a_bad_window_is_refused(client: TestClient, rt: Runtime) -> None:
    _login(client, rt)
    r = client.get("/mod/stats.json", params={"days": "0"})
    assert r.status_code == 400 and r.json()["error"]["field"] == "days"
    assert client.get("/mod/stats", params={"days": "abc"}).status_code == 400


def test_the_page_draws_each_chart_with_a_title_and_a_table(
    client: TestClient, known: Runtime
) -> None:
    _login(client, known)
    html = client.get("/mod/stats", params={"days": 3}).text
    assert html.count('<svg class="parvis-chart"') == 4
    for chart in ("comments", "queue", "rules", "reports"):
        assert re.search(rf'<svg[^>]+id="chart-{chart}"[^>]+role="img"', html)
        assert f'aria-labelledby="chart-{chart}-title"' in html
    assert "Commentaires par jour" in html
    assert html.count("<table") == 4
    assert '<dd data-figure="median">4 h 45 min</dd>' in html
    assert '<dd data-figure="automatic">33 %</dd>' in html
    assert "<script>" not in html and "style=" not in html
