"""Following an article from the widget on a publisher's page, in a real browser, with a
real `parvis serve` whose in-process worker mails a real SMTP server."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    Servers,
    free_port,
    host_page,
    parvis_command,
    running_parvis,
    serve_host_page,
)
from tests.notify.conftest import SmtpServer, text_of

pytestmark = pytest.mark.browser
URI = "/2025/08/20/orages-en-bretagne"
READER = "lecteur@example.net"


@pytest.fixture(scope="module")
def mail_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Servers, SmtpServer]]:
    smtp = SmtpServer()
    smtp.start()
    work = tmp_path_factory.mktemp("e2e-follow")
    config, db = work / "parvis.toml", f"sqlite:///{work / 'parvis.db'}"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with contextlib.ExitStack() as stack:
        stack.callback(smtp.stop)
        host = stack.enter_context(serve_host_page({"/": host_page(base, URI)}))
        env = {
            **os.environ,
            "PARVIS_SERVER__PUBLIC_URL": base,
            "PARVIS_SERVER__CORS_ORIGINS": f'["{host}"]',
            "PARVIS_MAIL__HOST": "127.0.0.1",
            "PARVIS_MAIL__PORT": str(smtp.port),
            "PARVIS_MAIL__WORKER": "inprocess",
            "PARVIS_MAIL__POLL_INTERVAL": "0.1",
        }
        env.pop("PARVIS_CONFIG", None)
        env.pop("PARVIS_DB", None)
        subprocess.run(
            [*parvis_command(), "init", "--config", str(config), "--db", db],
            env=env,
            check=True,
            capture_output=True,
        )
        stack.enter_context(running_parvis(config, port, env, work / "serve.log"))
        yield Servers(base=base, host=host, uri=URI), smtp


def test_a_reader_follows_an_article_from_the_widget(
    mail_servers: tuple[Servers, SmtpServer], context_factory: Any
) -> None:
    servers, smtp = mail_servers
    page = context_factory().new_page()
    page.goto(servers.host + "/")
    box = page.locator("#parvis-follow")
    box.locator("summary").click()
    box.locator('input[name="email"]').fill(READER)
    box.locator('input[name="mode"][value="digest"]').check()
    with page.expect_response(lambda r: r.url.endswith("/api/v1/subscriptions")) as r:
        box.locator('button[type="submit"]').click()
    assert r.value.status == 202
    expect(box.locator(".parvis-notice")).to_contain_text("confirmez")
    assert page.url.startswith(servers.host)  # the reader stayed on the publisher's page
    (mail,) = smtp.wait_for(1, timeout=15)
    assert mail["To"] == READER and mail["Subject"].startswith("Confirmez")
    link = re.search(re.escape(servers.base) + r"/follow/confirm\?\S+", text_of(mail))
    assert link
    page.goto(link.group(0))
    page.locator('form.parvis-follow-confirm button[type="submit"]').click()
    expect(page.locator("#parvis-follow-done")).to_be_visible()
    # "Back to the article" leads to the newspaper's page the reader followed from.
    back = page.get_by_role("link", name="Retour à l’article")
    expect(back).to_have_attribute("href", servers.host + "/")
    back.click()
    page.wait_for_url(servers.host + "/")
    expect(page.locator("section.parvis[data-parvis-ready]")).to_be_visible()
