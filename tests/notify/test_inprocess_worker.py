"""Under `parvis serve` (one node) the server process sends the mails itself."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from parvis.config import Settings
from parvis.services.runtime import Runtime
from parvis.web.app import create_app
from tests.notify.conftest import SmtpServer, mail_settings


@pytest.fixture
def settings(db_url: str, smtp: SmtpServer) -> Settings:
    return mail_settings(db_url, smtp.port, worker="inprocess", poll_interval=0.05)


@pytest.fixture
def client(rt: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(rt)) as c:
        yield c


def test_the_in_process_worker_sends_without_being_asked(
    client: TestClient, smtp: SmtpServer
) -> None:
    r = client.post("/api/v1/subscriptions", json={"uri": "/a", "email": "lea@example.net"})
    assert r.status_code == 202
    (mail,) = smtp.wait_for(1, timeout=10)
    assert mail["To"] == "lea@example.net"
