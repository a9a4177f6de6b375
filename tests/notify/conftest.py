"""A real SMTP server (aiosmtpd on loopback) that records what it receives and can be told
to answer 451/550, to be slow, or to go away and come back; settings pointing at it."""

from __future__ import annotations

import asyncio
import functools
import re
import socket
import threading
import time
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from starlette.testclient import TestClient

from parvis.config import Settings
from parvis.domain.comment import CommentStatus
from parvis.domain.moderator import Moderator, Role
from parvis.services import accounts, moderating, notifications, posting
from parvis.services.delivery import Stats
from parvis.services.posting import CommentInput
from parvis.services.runtime import Runtime
from parvis.store import moderators
from tests.conftest import make_settings

PUBLIC_URL = "https://comments.example.org"
PASSWORD = "correct horse battery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Recorder:
    """The aiosmtpd handler: keeps every accepted message; answers as told."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()
        self.rcpt_reply: str | None = None  # e.g. "550 5.1.1 no such user"
        self.data_reply: str | None = None  # e.g. "451 4.3.0 try again later"
        self.delay = 0.0  # seconds before accepting each message

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.data_reply:
            return self.data_reply
        content = envelope.content if isinstance(envelope.content, bytes) else b""
        msg = message_from_bytes(content, policy=policy.default)
        with self.lock:
            self.messages.append(msg)  # type: ignore[arg-type]
        return "250 Message accepted"


class SmtpServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.handler = Recorder()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def messages(self) -> list[EmailMessage]:
        with self.handler.lock:
            return list(self.handler.messages)

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def wait_for(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.messages


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


def mail_settings(
    db_url: str, port: int, notify: dict[str, object] | None = None, **mail: object
) -> Settings:
    return make_settings(
        db_url,
        notify=notify or {},
        server={"public_url": PUBLIC_URL},
        mail={
            "host": "127.0.0.1",
            "port": port,
            "timeout": 5,
            "worker": "external",
            "sender": "Parvis <noreply@comments.example.org>",
            **mail,
        },
    )


@pytest.fixture
def settings(db_url: str, smtp: SmtpServer) -> Settings:
    """Every test here sends to the recording server; the worker is driven by hand."""
    return mail_settings(db_url, smtp.port)


def drain(rt: Runtime) -> Stats:
    return notifications.make_worker(rt, name="test-worker").drain()


def text_of(msg: EmailMessage) -> str:
    part = msg.get_body(("plain",))
    assert part is not None
    return str(part.get_content())  # type: ignore[attr-defined]


def html_of(msg: EmailMessage) -> str:
    part = msg.get_body(("html",))
    assert part is not None
    return str(part.get_content())  # type: ignore[attr-defined]


def link(msg: EmailMessage, path: str) -> str:
    """The first absolute link to `path` in the text part, as a path + query for the client."""
    m = re.search(re.escape(PUBLIC_URL + path) + r"\?\S+", text_of(msg))
    assert m, f"no link to {path} in:\n{text_of(msg)}"
    parts = urlsplit(m.group(0))
    return f"{parts.path}?{parts.query}"


def local(url: str) -> str:
    """An absolute link on the instance, as the test client's path."""
    assert url.startswith(PUBLIC_URL), url
    return url[len(PUBLIC_URL) :]


@functools.cache
def _password_hash() -> str:
    return accounts._hasher.hash(PASSWORD)  # hashed once: argon2 is slow on purpose


def _add(rt: Runtime, name: str, role: Role) -> Moderator:
    with rt.db.write() as conn:
        moderator_id = moderators.add(conn, name, role, _password_hash(), rt.now())
        found = moderators.get(conn, moderator_id)
    assert found is not None
    return found


@pytest.fixture
def admin(rt: Runtime) -> Moderator:
    return _add(rt, "ada", Role.ADMIN)


@pytest.fixture
def moderator(rt: Runtime) -> Moderator:
    return _add(rt, "max", Role.MODERATOR)


_counter = iter(range(1_000_000))


def publish(rt: Runtime, mod: Moderator, **kw: Any) -> int:
    """Post a comment (trusted: no rate limit) and approve it when it waits."""
    data = {"uri": "/a", "author": "Marie", "text": "Bonjour."} | kw
    posted = posting.post_comment(
        rt, CommentInput(**data), f"192.0.2.{next(_counter) % 250}", trusted=True
    )
    if posted.status == CommentStatus.PENDING:
        moderating.decide(rt, mod, posted.id, "approve")
    return posted.id


def login(client: TestClient, name: str, password: str = PASSWORD) -> str:
    """Log in; return the CSRF token of the session (read off the alerts page)."""
    r = client.post(
        "/mod/login",
        data={"name": name, "password": password, "next": "/mod/alerts"},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    page = client.get("/mod/alerts")
    m = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert m, page.text
    return m.group(1)
