"""Moderators' alerts: the queue's length, the oldest comment's wait, reports; each chooses."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from parvis.config import Settings
from parvis.domain.moderator import AlertKind, Moderator
from parvis.services import mailqueue, notifications, posting
from parvis.services.posting import CommentInput
from parvis.services.runtime import Runtime
from tests.conftest import Clock
from tests.notify.conftest import SmtpServer, drain, local, login, mail_settings, publish

ADA = "ada@example.org"
MAX = "max@example.org"


@pytest.fixture
def settings(db_url: str, smtp: SmtpServer) -> Settings:
    notify: dict[str, object] = {"queue_threshold": 3, "queue_max_wait": 1800, "alert_repeat": 3600}
    return mail_settings(db_url, smtp.port, notify=notify)


def pend(rt: Runtime, n: int) -> None:
    for i in range(n):
        posting.post_comment(
            rt,
            CommentInput(uri="/a", author="X", text=f"Attente {i}."),
            "198.51.100.1",
            trusted=True,
        )


def test_each_moderator_gets_the_alerts_they_chose(
    rt: Runtime, smtp: SmtpServer, admin: Moderator, moderator: Moderator, clock: Clock
) -> None:
    mailqueue.set_alert_prefs(rt, admin.id, ADA, {"queue"})
    mailqueue.set_alert_prefs(rt, moderator.id, MAX, {"wait", "reports"})
    pend(rt, 2)
    drain(rt)
    assert smtp.messages == []  # below the threshold, nothing waited long
    pend(rt, 1)
    clock.advance(seconds=61)
    drain(rt)
    (alert,) = smtp.messages
    assert alert["To"] == ADA and "3" in alert["Subject"]
    clock.advance(seconds=61)
    drain(rt)
    assert len(smtp.messages) == 1  # not again before alert_repeat
    clock.advance(seconds=1800)  # the oldest has now waited more than 30 minutes
    drain(rt)
    assert [m["To"] for m in smtp.messages] == [ADA, MAX]
    clock.advance(seconds=1800)  # an hour since the first queue alert: it repeats
    drain(rt)
    assert [m["To"] for m in smtp.messages] == [ADA, MAX, ADA]


def test_the_alert_re_arms_when_the_queue_is_worked(
    rt: Runtime, smtp: SmtpServer, admin: Moderator, clock: Clock
) -> None:
    from parvis.services import moderating

    mailqueue.set_alert_prefs(rt, admin.id, ADA, {"queue"})
    pend(rt, 3)
    drain(rt)
    assert len(smtp.messages) == 1
    for item in moderating.queue(rt)[0]:
        moderating.decide(rt, admin, item.comment.id, "approve")
    clock.advance(seconds=61)
    drain(rt)
    pend(rt, 3)
    clock.advance(seconds=61)
    drain(rt)
    assert len(smtp.messages) == 2  # a new crossing alerts at once


def test_the_reports_hook_mails_those_who_chose_it(
    rt: Runtime, smtp: SmtpServer, admin: Moderator, moderator: Moderator
) -> None:
    mailqueue.set_alert_prefs(rt, moderator.id, MAX, {"reports"})
    cid = publish(rt, admin, text="Un commentaire <i>signalé</i>.")
    with rt.db.write() as conn:  # what the reports feature will do when a report is stored
        notifications.report_received(rt, conn, cid, "insulte")
    drain(rt)
    (mail,) = smtp.messages
    assert mail["To"] == MAX and "insulte" in mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]


def test_one_click_stops_that_alert_only(
    client: TestClient, rt: Runtime, smtp: SmtpServer, moderator: Moderator, clock: Clock
) -> None:
    mailqueue.set_alert_prefs(rt, moderator.id, MAX, {"queue", "wait"})
    pend(rt, 3)
    drain(rt)
    url = re.fullmatch(r"<(.+)>", smtp.messages[0]["List-Unsubscribe"]).group(1)  # type: ignore[union-attr]
    assert client.post(local(url)).status_code == 200
    assert mailqueue.alert_prefs(rt, moderator.id).kinds == {AlertKind.WAIT}


def test_the_alerts_page_saves_each_moderators_choice(
    client: TestClient, rt: Runtime, moderator: Moderator
) -> None:
    csrf = login(client, "max")
    page = client.get("/mod/alerts")
    assert page.status_code == 200 and 'value="queue"' in page.text
    r = client.post("/mod/alerts", data={"csrf": csrf, "email": MAX, "alerts": ["wait", "reports"]})
    assert r.status_code == 200
    assert mailqueue.alert_prefs(rt, moderator.id).kinds == {AlertKind.WAIT, AlertKind.REPORTS}
    bad = client.post("/mod/alerts", data={"csrf": csrf, "email": "", "alerts": ["queue"]})
    assert bad.status_code == 400
    assert client.post("/mod/alerts", data={"csrf": "x", "alerts": []}).status_code == 403


def test_parvis_user_alerts(rt: Runtime, moderator: Moderator) -> None:
    from parvis.cli.main import cli

    env = {
        "PARVIS_DB": rt.settings.database.url,
        "PARVIS_SECURITY__SECRET_KEY": rt.settings.security.secret_key,
    }
    runner = CliRunner()
    r = runner.invoke(
        cli,
        ["user", "alerts", "max", "--email", MAX, "--alert", "queue", "--alert", "reports"],
        env=env,
    )
    assert r.exit_code == 0, r.output
    assert "queue, reports" in r.output and MAX in r.output
    r = runner.invoke(cli, ["user", "alerts", "max", "--none"], env=env)
    assert "alerts none" in r.output
    assert runner.invoke(cli, ["user", "alerts", "nobody"], env=env).exit_code == 1


def test_unconfirmed_addresses_are_purged_by_the_worker(
    client: TestClient, rt: Runtime, smtp: SmtpServer, clock: Clock
) -> None:
    from sqlalchemy import func, select

    from parvis.store.schema import subscriptions

    client.post("/api/v1/subscriptions", json={"uri": "/a", "email": "oubli@example.net"})
    drain(rt)
    clock.advance(seconds=rt.settings.notify.confirm_ttl + 120)
    drain(rt)
    with rt.db.read() as conn:
        assert conn.execute(select(func.count()).select_from(subscriptions)).scalar_one() == 0
