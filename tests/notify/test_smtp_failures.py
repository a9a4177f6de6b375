"""Temporary and permanent SMTP failures, the server going away and coming back, and the
admins' dead-letter page."""

from __future__ import annotations

from sqlalchemy import select
from starlette.testclient import TestClient

from parvis.domain.mail import MailStatus, NewMail
from parvis.domain.moderator import Moderator
from parvis.services.runtime import Runtime
from parvis.store import outbox
from parvis.store.schema import outbox as outbox_table
from tests.conftest import Clock
from tests.notify.conftest import SmtpServer, drain, login


def enqueue(rt: Runtime, n: int, to: str = "r{i}@example.net") -> None:
    with rt.db.write() as conn:
        outbox.enqueue(
            conn,
            [
                NewMail("test", to.format(i=i), f"Sujet {i}", f"Texte {i}", f"<p>{i}</p>")
                for i in range(n)
            ],
            rt.now(),
        )


def statuses(rt: Runtime) -> list[tuple[str, int]]:
    with rt.db.read() as conn:
        rows = conn.execute(
            select(outbox_table.c.status, outbox_table.c.attempts).order_by(outbox_table.c.id)
        )
        return [(r.status, r.attempts) for r in rows]


def test_a_451_is_retried_with_backoff_and_then_delivered(
    rt: Runtime, smtp: SmtpServer, clock: Clock
) -> None:
    enqueue(rt, 1)
    smtp.handler.data_reply = "451 4.3.0 try again later"
    stats = drain(rt)
    assert (stats.sent, stats.retried) == (0, 1)
    assert statuses(rt) == [("pending", 1)]
    assert drain(rt).retried == 0  # not due yet: the backoff holds it
    smtp.handler.data_reply = None
    clock.advance(seconds=rt.settings.mail.retry_base * 1.25 + 1)
    assert drain(rt).sent == 1
    assert statuses(rt) == [("sent", 2)] and len(smtp.messages) == 1


def test_backoff_doubles_and_the_mail_dies_after_max_attempts(
    rt: Runtime, smtp: SmtpServer, clock: Clock
) -> None:
    enqueue(rt, 1)
    smtp.handler.rcpt_reply = "452 4.2.2 mailbox full"
    waits = []
    for _ in range(rt.settings.mail.max_attempts):
        before = clock.now
        drain(rt)
        with rt.db.read() as conn:
            mail = outbox.get(conn, 1)
        assert mail is not None
        if mail.status == MailStatus.DEAD:
            break
        waits.append((mail.next_attempt_at - before).total_seconds())
        clock.now = mail.next_attempt_at
    assert statuses(rt) == [("dead", rt.settings.mail.max_attempts)]
    assert all(b > a for a, b in zip(waits, waits[1:], strict=False))  # growing
    assert waits[0] >= rt.settings.mail.retry_base * 0.75


def test_a_550_is_permanent_and_dead_at_once(rt: Runtime, smtp: SmtpServer) -> None:
    enqueue(rt, 2)
    smtp.handler.rcpt_reply = "550 5.1.1 no such user"
    stats = drain(rt)
    assert (stats.sent, stats.dead) == (0, 2)
    assert statuses(rt) == [("dead", 1), ("dead", 1)]
    with rt.db.read() as conn:
        dead = outbox.get(conn, 1)
    assert dead is not None and "550" in (dead.last_error or "")


def test_the_server_down_then_back(rt: Runtime, smtp: SmtpServer, clock: Clock) -> None:
    enqueue(rt, 5)
    smtp.stop()
    stats = drain(rt)
    # The first mail failed (refused connection); the rest of its batch waits with it.
    assert (stats.sent, stats.retried) == (0, 1)
    assert [s for s, _ in statuses(rt)] == ["pending"] * 5
    assert [a for _, a in statuses(rt)] == [1, 0, 0, 0, 0]
    smtp.start()
    assert drain(rt).sent == 0  # still waiting
    clock.advance(seconds=rt.settings.mail.retry_base * 2)
    assert drain(rt).sent == 5
    assert len({m["Message-ID"] for m in smtp.messages}) == 5


def test_admins_see_dead_mails_and_retry_them_moderators_may_not(
    client: TestClient, rt: Runtime, smtp: SmtpServer, admin: Moderator, moderator: Moderator
) -> None:
    enqueue(rt, 2, to="perdu{i}@example.net")
    smtp.handler.rcpt_reply = "550 5.1.1 no such user"
    drain(rt)
    csrf = login(client, "max")
    assert client.get("/mod/outbox").status_code == 403
    assert client.post("/mod/outbox/retry", data={"csrf": csrf, "ids": ["1"]}).status_code == 403
    client.cookies.clear()
    csrf = login(client, "ada")
    page = client.get("/mod/outbox")
    assert page.status_code == 200 and 'id="mail1"' in page.text and "550" in page.text
    assert "perdu0@example.net" not in page.text  # ids, not addresses
    smtp.handler.rcpt_reply = None
    r = client.post("/mod/outbox/retry", data={"csrf": csrf, "ids": ["1", "2"]})
    assert r.status_code == 200 and "2" in r.text
    assert (
        client.post("/mod/outbox/retry", data={"csrf": "forged", "ids": ["1"]}).status_code == 403
    )
    assert drain(rt).sent == 2
    assert statuses(rt) == [("sent", 1), ("sent", 1)]


def test_sent_mails_are_forgotten_after_keep_sent_days(
    rt: Runtime, smtp: SmtpServer, clock: Clock
) -> None:
    enqueue(rt, 2)
    drain(rt)
    assert statuses(rt) == [("sent", 1), ("sent", 1)]
    clock.advance(days=rt.settings.mail.keep_sent_days, seconds=120)
    drain(rt)  # the worker's periodic jobs
    assert statuses(rt) == []


def test_a_server_that_never_answers_times_out_and_is_retried(
    db_url: str, rt: Runtime, clock: Clock
) -> None:
    import socket

    from parvis.services.delivery import Worker
    from tests.notify.conftest import mail_settings

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(5)  # accepts connections, never greets
    try:
        settings = mail_settings(db_url, silent.getsockname()[1], timeout=0.3)
        enqueue(rt, 3)
        stats = Worker(rt.db, settings, rt.now, name="impatient").drain()
    finally:
        silent.close()
    assert (stats.sent, stats.retried, stats.dead) == (0, 1, 0)
    assert [s for s, _ in statuses(rt)] == ["pending"] * 3
    with rt.db.read() as conn:
        first = outbox.get(conn, 1)
    assert first is not None and "timeout" in (first.last_error or "")
