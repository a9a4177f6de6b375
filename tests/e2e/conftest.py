"""End-to-end fixtures: a real `parvis serve` process on a temporary SQLite database with
the demo article and a moderator, a publisher's page on another origin that embeds the
widget, and a headless Chromium (Debian's, driven by Playwright)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

DEMO_URI = "/2025/08/15/canicule-les-villes-face-a-la-chaleur"
MODERATOR = ("claire", "un mot de passe solide")
ADMIN = ("margot", "une phrase de passe d'admin")
PAGE_SIZE = 10
MORE_PAGE_SIZE = 6  # what each "show earlier comments" adds
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass
class Servers:
    """The shared server. Each test makes the comments and reports it needs (`post`,
    `decide`), so that none depends on another having run before it."""

    base: str  # the Parvis server, e.g. http://127.0.0.1:40123
    host: str  # the publisher's page that embeds the widget
    token: str = ""  # the moderator's API token
    uri: str = DEMO_URI
    moderator: tuple[str, str] = MODERATOR
    admin: tuple[str, str] = ADMIN

    def thread_url(self, **params: str) -> str:
        from urllib.parse import urlencode

        return f"{self.base}/thread?" + urlencode({"uri": self.uri, **params})

    def api(self, path: str, body: dict[str, Any], token: str | None = None) -> Any:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(
            self.base + path, data=json.dumps(body).encode(), method="POST", headers=headers
        )
        with urllib.request.urlopen(request) as res:
            return json.loads(res.read() or b"null")

    def post(
        self,
        text: str,
        author: str = "Lecteur de test",
        parent: int | None = None,
        uri: str | None = None,
        title: str | None = None,
    ) -> int:
        """A comment posted through the API, as a reader would; pending in pre-moderation."""
        body: dict[str, Any] = {"uri": uri or self.uri, "author": author, "text": text}
        if parent is not None:
            body["parent"] = parent
        if title is not None:
            body["title"] = title
        return int(self.api("/api/v1/comments", body)["id"])

    def published(self) -> list[int]:
        """The article's published top-level comments, newest first."""
        url = f"{self.base}/api/v1/comments?uri={self.uri}&limit=50"
        with urllib.request.urlopen(url) as res:
            return [int(c["id"]) for c in json.loads(res.read())["comments"]]

    def decide(self, comment_id: int, action: str = "approve") -> None:
        """The moderation API's decision, with the moderator's token."""
        self.api(f"/api/v1/moderation/comments/{comment_id}", {"action": action}, self.token)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def parvis_command() -> list[str]:
    exe = shutil.which("parvis", path=str(Path(sys.executable).parent)) or shutil.which("parvis")
    return [exe] if exe else [sys.executable, "-c", "from parvis.cli.main import cli; cli()"]


def host_page(base: str, uri: str) -> bytes:
    """A publisher's article page: its own look, then the widget's one script tag."""
    return f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Le Quotidien · Canicule</title>
<style>
  body {{ margin: 0; font-family: Georgia, serif; color: #222; background: #fff; }}
  header {{ padding: 1rem 1.5rem; border-bottom: 4px solid #111; font: 700 1.6rem Georgia, serif; }}
  article {{ max-width: 46rem; margin: 0 auto; padding: 1rem 1.5rem; }}
</style></head>
<body>
<header>Le Quotidien</header>
<article>
  <h1>Canicule : les villes face à la chaleur</h1>
  <p>Depuis dimanche, une grande partie de la France suffoque sous une vague de chaleur.</p>
  <script src="{base}/embed.js" data-uri="{uri}" data-lang="fr" data-title="Canicule" async>
  </script>
</article>
</body></html>""".encode()


def host_page_with_target(base: str, uri: str) -> bytes:
    """Another publisher: the script in <head>, a container, English, its own accent colour."""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>The Daily · Heatwave</title>
<script src="{base}/embed.js" data-uri="{uri}" data-lang="en" data-target="#comments" async>
</script>
<style>:root {{ --parvis-accent: rgb(0, 83, 159); }}</style>
</head>
<body>
<h1>Heatwave: cities face the heat</h1>
<div id="comments"><a href="{base}/thread?uri={uri}">Comments</a></div>
<footer>The Daily</footer>
</body></html>""".encode()


@contextlib.contextmanager
def serve_host_page(pages: dict[str, bytes]) -> Iterator[str]:
    """The publisher's pages, on a port the system picks while binding (a port picked
    beforehand and bound later can be taken in between, by any outgoing connection)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            page = pages.get(self.path.split("?")[0])
            if page is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"parvis serve exited with {proc.returncode}:\n{log.read_text()[-4000:]}")
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(url + "/healthz", timeout=2) as res,
        ):
            if res.status == 200:
                return
        time.sleep(0.2)
    pytest.fail(f"parvis serve did not answer /healthz in {timeout}s:\n{log.read_text()[-4000:]}")


@contextlib.contextmanager
def running_parvis(config: Path, port: int, env: dict[str, str], log: Path) -> Iterator[str]:
    """A real `parvis serve` on 127.0.0.1:port, healthy before the block, stopped after it."""
    base = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                *parvis_command(),
                "--config",
                str(config),
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_healthy(base, proc, log)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    work = tmp_path_factory.mktemp("e2e")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    pages = {"/": host_page(base, DEMO_URI), "/daily": host_page_with_target(base, DEMO_URI)}
    with serve_host_page(pages) as host:
        yield from _parvis_for(work, port, host)


def _parvis_for(work: Path, port: int, host: str) -> Iterator[Servers]:
    config, db = work / "parvis.toml", f"sqlite:///{work / 'parvis.db'}"
    base = f"http://127.0.0.1:{port}"
    cmd = parvis_command()
    env = {
        **os.environ,
        "PARVIS_SERVER__PUBLIC_URL": base,
        "PARVIS_SERVER__CORS_ORIGINS": f'["{host}"]',
        "PARVIS_COMMENTS__PAGE_SIZE": str(PAGE_SIZE),
        "PARVIS_COMMENTS__MORE_PAGE_SIZE": str(MORE_PAGE_SIZE),
        "PARVIS_COMMENTS__RATE_LIMIT": "100",
    }
    env.pop("PARVIS_CONFIG", None)
    env.pop("PARVIS_DB", None)
    subprocess.run(
        [*cmd, "init", "--config", str(config), "--db", db, "--demo"],
        env=env,
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [*cmd, "--config", str(config), "user", "add", MODERATOR[0], "--role", "moderator"],
        env=env,
        input=MODERATOR[1].encode(),
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [*cmd, "--config", str(config), "user", "add", ADMIN[0], "--role", "admin"],
        env=env,
        input=ADMIN[1].encode(),
        check=True,
        capture_output=True,
    )
    token = subprocess.run(
        [*cmd, "--config", str(config), "user", "token", MODERATOR[0]],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    with running_parvis(config, port, env, work / "serve.log"):
        yield Servers(base=base, host=host, token=token)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: `make install` installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def signed_in(servers: Servers, browser: Any) -> Callable[[tuple[str, str]], dict[str, Any]]:
    """A team member's logged-in browser state, made once per session and person: every
    browser here is 127.0.0.1, and the login page allows 10 attempts per client per 10
    minutes. Pass it as `context_factory(storage_state=signed_in(servers.admin))`."""
    states: dict[str, dict[str, Any]] = {}

    def state(who: tuple[str, str]) -> dict[str, Any]:
        if who[0] not in states:
            ctx = browser.new_context(locale="fr-FR")
            page = ctx.new_page()
            page.goto(servers.base + "/mod/login")
            page.fill("input[name=name]", who[0])
            page.fill("input[name=password]", who[1])
            with page.expect_navigation():
                page.click("form.parvis-login button[type=submit]")
            assert page.url.endswith("/mod/queue"), page.url
            states[who[0]] = ctx.storage_state()
            ctx.close()
        return states[who[0]]

    return state


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def context_factory(browser: Any) -> Iterator[Any]:
    """New browser contexts (a reader, a reader without JavaScript, a moderator), closed after
    the test; a script error on any page fails the test."""
    contexts: list[Any] = []
    errors: list[str] = []

    def make(**options: Any) -> Any:
        options = {"locale": "fr-FR", "viewport": {"width": 1100, "height": 900}, **options}
        ctx = browser.new_context(**options)
        ctx.set_default_timeout(10_000)
        ctx.on("page", lambda page: page.on("pageerror", lambda exc: errors.append(str(exc))))
        contexts.append(ctx)
        return ctx

    yield make
    for ctx in contexts:
        ctx.close()
    assert not errors, f"JavaScript errors: {errors}"
