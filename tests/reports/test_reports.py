"""Readers' reports ("Alerter"): the form with and without JavaScript, duplicates, the rate
limit, the charter's threshold that hides a comment, the moderators' reports queue, and
the audit log — on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

import pytest
from sqlalchemy import update
from starlette.testclient import TestClient

from parvis.domain.comment import CommentStatus
from parvis.domain.moderator import Role
from parvis.domain.thread import ModerationMode
from parvis.errors import Invalid, NotFound, RateLimited
from parvis.services import accounts, posting, reporting
from parvis.services.runtime import Runtime
from parvis.store import audit, comments, reports
from parvis.store.schema import comments as comments_table
from parvis.web.app import create_app

URI = "/2025/08/15/canicule-les-villes"
THANKS = "Merci, l’équipe de modération va examiner ce commentaire."


@pytest.fixture
def prt(rt: Runtime) -> Runtime:
    """Post-moderation, threshold 3: a posted comment is published at once."""
    rt.charter = dataclasses.replace(rt.charter, mode=ModerationMode.POST, report_threshold=3)
    return rt


@pytest.fixture
def web(prt: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(prt)) as c:
        yield c


def publish(
    rt: Runtime, text: str = "Un avis mesuré sur la canicule.", ip: str = "10.0.0.1"
) -> int:
    data = posting.CommentInput(uri=URI, author="Camille", text=text)
    posted = posting.post_comment(rt, data, ip, trusted=True)
    assert posted.status == CommentStatus.PUBLISHED
    return posted.id


def report(rt: Runtime, comment_id: int | None, n: int, reason: str = "insult") -> bool:
    """Report as the n-th reader (own cookie, own address)."""
    data = reporting.ReportInput(URI, comment_id, reason, None)
    return reporting.report(rt, data, f"reader-cookie-{n:04d}-xxxx", f"192.0.2.{n}")


def status_of(rt: Runtime, comment_id: int) -> CommentStatus:
    with rt.db.read() as conn:
        comment = comments.get(conn, comment_id)
    assert comment is not None
    return comment.status


def actions(rt: Runtime, comment_id: int) -> list[str]:
    with rt.db.read() as conn:
        return [e.action for e in reversed(audit.for_comment(conn, comment_id))]


def open_reports(rt: Runtime, comment_id: int) -> int:
    with rt.db.read() as conn:
        thread_id = comments.get(conn, comment_id).thread_id  # type: ignore[union-attr]
        return reports.count_open(conn, thread_id, comment_id)


def test_a_report_from_the_widget_is_thanked_and_audited(web: TestClient, prt: Runtime) -> None:
    cid = publish(prt)
    res = web.post("/api/v1/reports", json={"uri": URI, "comment": cid, "reason": "insult"})
    assert res.status_code == 202
    assert res.json() == {"status": "received", "message": THANKS}
    assert "parvis_reader" in res.cookies
    assert actions(prt, cid) == ["report"]
    with prt.db.read() as conn:
        entry = audit.for_comment(conn, cid)[0]
    assert entry.rule == "insult" and entry.moderator is None


def test_duplicate_reports_are_accepted_but_not_counted(web: TestClient, prt: Runtime) -> None:
    cid = publish(prt)
    body = {"uri": URI, "comment": cid, "reason": "spam"}
    first = web.post("/api/v1/reports", json=body)
    again = web.post("/api/v1/reports", json={**body, "reason": "legal"})
    assert first.status_code == again.status_code == 202
    assert again.json()["message"] == THANKS
    # Same address without the cookie: the client hash recognises the reader.
    web.cookies.clear()
    assert web.post("/api/v1/reports", json=body).status_code == 202
    # Same cookie from another address: the cookie recognises the reader.
    data = reporting.ReportInput(URI, cid, "spam", None)
    assert reporting.report(prt, data, "cookie-a-0000000000", "198.51.100.1") is True
    assert reporting.report(prt, data, "cookie-a-0000000000", "198.51.100.2") is False
    assert open_reports(prt, cid) == 2
    assert actions(prt, cid) == ["report", "report"]


def test_past_the_charters_threshold_a_comment_is_hidden(web: TestClient, prt: Runtime) -> None:
    prt.charter = dataclasses.replace(prt.charter, report_threshold=2)
    cid, other = publish(prt), publish(prt, "Un autre avis.")
    assert report(prt, cid, 1) and status_of(prt, cid) == CommentStatus.PUBLISHED
    assert report(prt, cid, 2)
    assert status_of(prt, cid) == CommentStatus.PENDING
    listed = web.get("/api/v1/comments", params={"uri": URI}).json()
    assert [c["id"] for c in listed["comments"]] == [other] and listed["total"] == 1
    assert actions(prt, cid) == ["report", "report", "report-hide"]
    # A later reader is thanked all the same, never told the outcome; it is not counted.
    assert report(prt, cid, 3) is False
    res = web.post("/api/v1/reports", json={"uri": URI, "comment": cid, "reason": "spam"})
    assert res.status_code == 202 and res.json()["message"] == THANKS
    page = web.get("/report", params={"uri": URI, "comment": cid})
    assert page.status_code == 200 and "Un avis mesuré" not in page.text
    assert open_reports(prt, cid) == 2


def test_reports_are_rate_limited(web: TestClient, prt: Runtime) -> None:
    ids = [publish(prt, f"Avis numéro {i}.") for i in range(reporting.RATE_LIMIT + 1)]
    for cid in ids[:-1]:
        body = {"uri": URI, "comment": cid, "reason": "spam"}
        assert web.post("/api/v1/reports", json=body).status_code == 202
    res = web.post("/api/v1/reports", json={"uri": URI, "comment": ids[-1], "reason": "spam"})
    assert res.status_code == 429 and "Retry-After" in res.headers
    with pytest.raises(RateLimited):
        reporting.report(
            prt, reporting.ReportInput(URI, ids[-1], "spam"), "cookie-b-0000000000", "testclient"
        )


def test_a_report_needs_a_known_reason_and_a_note_for_other(prt: Runtime) -> None:
    cid = publish(prt)
    with pytest.raises(Invalid) as bad:
        reporting.report(prt, reporting.ReportInput(URI, cid, "boring"), "c" * 20, "1.1.1.1")
    assert bad.value.field == "reason"
    with pytest.raises(Invalid) as missing:
        reporting.report(prt, reporting.ReportInput(URI, cid, "other"), "c" * 20, "1.1.1.1")
    assert missing.value.field == "note"
    with pytest.raises(Invalid) as long:
        reporting.report(
            prt, reporting.ReportInput(URI, cid, "other", "x" * 301), "c" * 20, "1.1.1.1"
        )
    assert long.value.field == "note"
    assert reporting.report(
        prt, reporting.ReportInput(URI, cid, "other", "Fausse information"), "c" * 20, "1.1.1.1"
    )
    assert set(reporting.reasons(prt)) == {
        "legal",
        "violence",
        "insult",
        "language",
        "spam",
        "other",
    }


def test_only_published_comments_of_the_article_count(prt: Runtime) -> None:
    prt.charter = dataclasses.replace(prt.charter, mode=ModerationMode.PRE)
    posted = posting.post_comment(prt, posting.CommentInput(URI, "Léa", "En attente."), "1.2.3.4")
    assert posted.status == CommentStatus.PENDING
    assert report(prt, posted.id, 1) is False
    assert open_reports(prt, posted.id) == 0
    with pytest.raises(NotFound):
        report(prt, posted.id + 1000, 1)
    with pytest.raises(NotFound):
        reporting.report(prt, reporting.ReportInput("/nowhere", None, "spam"), "c" * 20, "1.1.1.1")


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def test_without_javascript_a_reader_reports_from_a_small_form(
    web: TestClient, prt: Runtime
) -> None:
    cid = publish(prt, "Un texte <b>à signaler</b>.")
    thread = web.get("/thread", params={"uri": URI}).text
    link = re.search(rf'class="parvis-report" href="(/report\?[^"]*comment={cid})"', thread)
    assert link and "Alerter" in thread
    page = web.get(link.group(1).replace("&amp;", "&"))
    assert page.status_code == 200
    assert (
        "ni insultes" in page.text and 'value="spam"' in page.text and 'value="other"' in page.text
    )
    assert "<b>" not in page.text  # the comment is shown as the server rendered it, escaped
    sent = web.post(
        "/report",
        data={
            "uri": URI,
            "comment": str(cid),
            "reason": "other",
            "note": "",
            "csrf": _csrf(page.text),
        },
    )
    assert sent.status_code == 400 and "dites en quelques mots" in sent.text
    done = web.post(
        "/report",
        data={
            "uri": URI,
            "comment": str(cid),
            "reason": "violence",
            "note": "",
            "csrf": _csrf(page.text),
        },
    )
    assert done.status_code == 200 and THANKS in done.text
    assert done.url.params["thanks"] == "1"
    assert open_reports(prt, cid) == 1


def test_the_report_form_needs_its_csrf_token(web: TestClient, prt: Runtime) -> None:
    cid = publish(prt)
    res = web.post("/report", data={"uri": URI, "comment": str(cid), "reason": "spam"})
    assert res.status_code == 403
    assert open_reports(prt, cid) == 0


def test_a_reader_reports_the_article_itself(web: TestClient, prt: Runtime) -> None:
    publish(prt)
    thread = web.get("/thread", params={"uri": URI}).text
    assert "Alerter sur cet article" in thread and "parvis-report-template" in thread
    res = web.post("/api/v1/reports", json={"uri": URI, "reason": "legal"})
    assert res.status_code == 202
    items, total = reporting.queue(prt)
    assert total == 1 and items[0].comment is None and items[0].count == 1


@pytest.fixture
def moderator_web(web: TestClient, prt: Runtime) -> TestClient:
    accounts.add_moderator(prt, "alice", Role.MODERATOR, "correct horse")
    res = web.post("/mod/login", data={"name": "alice", "password": "correct horse"})
    assert res.status_code == 200
    return web


def _set_risk(rt: Runtime, comment_id: int, risk: float) -> None:
    with rt.db.write() as conn:
        conn.execute(
            update(comments_table).where(comments_table.c.id == comment_id).values(risk=risk)
        )


def test_the_reports_queue_puts_the_most_reported_then_riskiest_first(
    moderator_web: TestClient, prt: Runtime
) -> None:
    once, twice, risky = publish(prt, "Un."), publish(prt, "Deux."), publish(prt, "Trois.")
    _set_risk(prt, risky, 0.8)
    _set_risk(prt, once, 0.1)
    report(prt, once, 1)
    report(prt, twice, 2)
    report(prt, twice, 3)
    report(prt, risky, 4)
    items, total = reporting.queue(prt)
    assert total == 3
    assert [i.comment.id for i in items if i.comment] == [twice, risky, once]
    assert items[0].reasons == {"insult": 2}
    html = moderator_web.get("/mod/reports").text
    order = [
        int(i)
        for i in re.findall(r'class="parvis-queue-item parvis-report-item" id="r(\d+)"', html)
    ]
    assert order == [twice, risky, once]
    assert "2 signalements" in html


def test_approving_reported_comments_republishes_and_closes_the_reports(
    moderator_web: TestClient, prt: Runtime
) -> None:
    prt.charter = dataclasses.replace(prt.charter, report_threshold=1)
    cid = publish(prt)
    report(prt, cid, 1)
    assert status_of(prt, cid) == CommentStatus.PENDING
    html = moderator_web.get("/mod/reports").text
    res = moderator_web.post(
        "/mod/reports/decide",
        data={"csrf": _csrf(html), "comment": str(cid), "action": "approve"},
    )
    assert res.status_code == 200 and res.url.path == "/mod/reports"
    assert status_of(prt, cid) == CommentStatus.PUBLISHED
    assert open_reports(prt, cid) == 0
    assert reporting.queue(prt)[1] == 0
    assert actions(prt, cid) == ["report", "report-hide", "reports-dismiss"]
    with prt.db.read() as conn:
        assert audit.for_comment(conn, cid)[0].moderator == "alice"
    # A reader who already reported it cannot hide it again; a new one can.
    assert report(prt, cid, 1) is False
    assert report(prt, cid, 2) is True and status_of(prt, cid) == CommentStatus.PENDING


def test_rejecting_a_reported_comment_removes_it(moderator_web: TestClient, prt: Runtime) -> None:
    cid = publish(prt)
    report(prt, cid, 1)
    html = moderator_web.get("/mod/reports").text
    moderator_web.post(
        "/mod/reports/decide", data={"csrf": _csrf(html), "comment": str(cid), "action": "reject"}
    )
    assert status_of(prt, cid) == CommentStatus.REJECTED
    assert actions(prt, cid) == ["report", "reports-remove"]
    assert "Aucun signalement" in moderator_web.get("/mod/reports").text


def test_article_reports_are_closed_by_a_moderator(moderator_web: TestClient, prt: Runtime) -> None:
    publish(prt)
    report(prt, None, 1, reason="legal")
    items, _ = reporting.queue(prt)
    html = moderator_web.get("/mod/reports").text
    assert "l’article lui-même" in html
    moderator_web.post(
        "/mod/reports/decide",
        data={"csrf": _csrf(html), "thread": str(items[0].thread.id), "action": "approve"},
    )
    assert reporting.queue(prt)[1] == 0
    with prt.db.read() as conn:
        assert [e.action for e in audit.latest(conn, 5)][:2] == ["reports-dismiss", "report"]


def test_the_reports_queue_needs_a_login(web: TestClient) -> None:
    res = web.get("/mod/reports", follow_redirects=False)
    assert res.status_code == 303 and res.headers["location"].startswith("/mod/login")
    res = web.post(
        "/mod/reports/decide", data={"comment": "1", "action": "reject"}, follow_redirects=False
    )
    assert res.status_code in (303, 401)


def test_approving_a_hidden_comment_closes_its_reports_and_mails_nobody_twice(
    prt: Runtime,
) -> None:
    from parvis.services import moderating
    from parvis.store import outbox, subscriptions, threads

    accounts.add_moderator(prt, "alice", Role.MODERATOR, "correct horse")
    alice = accounts.authenticate(prt, "alice", "correct horse")
    comment_id = publish(prt)
    with prt.db.write() as conn:
        thread = threads.get_by_uri(conn, URI)
        assert thread is not None
        for mode in ("immediate", "digest"):
            sub = subscriptions.add(conn, thread.id, f"{mode}@example.org", mode, "fr", prt.now())
            subscriptions.confirm(conn, sub.id, mode, prt.now())
    for n in range(1, 4):
        report(prt, comment_id, n)
    assert status_of(prt, comment_id) == CommentStatus.PENDING  # hidden by the threshold
    with prt.db.read() as conn:
        before = sum(outbox.counts(conn).values())
    moderating.decide(prt, alice, comment_id, "approve")
    assert status_of(prt, comment_id) == CommentStatus.PUBLISHED
    with prt.db.read() as conn:
        assert reports.count_open(conn, thread.id, comment_id) == 0
        assert sum(outbox.counts(conn).values()) == before


def test_the_main_queue_filters_the_comments_readers_reported(prt: Runtime) -> None:
    from parvis.domain.queue import QueueFilter
    from parvis.services import moderating

    reported = publish(prt, "Un avis tranché sur la canicule.")
    quiet = publish(prt, "Un autre avis, sans histoire.", ip="10.0.0.2")
    for n in range(1, 4):
        report(prt, reported, n)
    with prt.db.write() as conn:  # both wait for a moderator; only one was reported
        comments.set_status(conn, quiet, CommentStatus.PENDING, prt.now())
    items, total = moderating.queue(prt, where=QueueFilter(reported=True))
    assert [i.comment.id for i in items] == [reported] and total == 1
    assert moderating.queue(prt)[1] == 2
