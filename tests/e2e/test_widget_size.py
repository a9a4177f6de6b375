"""The widget stays small, and no page needs 'unsafe-inline' in its CSP (no browser needed)."""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from parvis.domain.moderator import Role
from parvis.moderation.charter import load_charter
from parvis.services import accounts
from parvis.services.demo import load_demo
from parvis.services.runtime import Runtime
from parvis.store.db import Database
from parvis.web.app import create_app
from tests.conftest import make_settings

WIDGET_MAX_GZIP = 15 * 1024
STATIC = resources.files("parvis.web").joinpath("static")


def test_widget_is_at_most_15_kb_gzipped() -> None:
    source = STATIC.joinpath("embed.js").read_bytes()
    assert source.strip(), "embed.js is empty"
    assert len(gzip.compress(source, 9)) <= WIDGET_MAX_GZIP


def test_widget_loads_nothing_from_elsewhere() -> None:
    """No framework, no CDN, no font: the only URLs it uses are built from its own src."""
    for name in ("embed.js", "moderation.js", "parvis.css"):
        text = STATIC.joinpath(name).read_text("utf-8")
        assert not re.search(r"https?://", text.replace("https://comments.example", "")), name
        assert "@import" not in text, name


def test_stylesheet_selectors_are_all_prefixed() -> None:
    css = re.sub(r"/\*.*?\*/", "", STATIC.joinpath("parvis.css").read_text("utf-8"), flags=re.S)
    css = re.sub(r"@(media|supports)[^{]*\{", "", css)
    for block in re.findall(r"([^{}]+)\{", css):
        for selector in re.split(r",(?![^(]*\))", block):  # commas outside :where(...)
            assert selector.strip().startswith(".parvis"), selector.strip()


class _InlineFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if tag == "script" and "src" not in names:
            self.problems.append("<script> without src")
        if tag == "style":
            self.problems.append("<style>")
        for name in names:
            if name == "style" or name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")


@pytest.fixture
def demo_client(tmp_path: Path) -> Iterator[TestClient]:
    settings = make_settings(f"sqlite:///{tmp_path / 'parvis.db'}")
    rt = Runtime(settings=settings, db=Database(settings.database.url), charter=load_charter())
    rt.db.migrate()
    load_demo(rt)
    accounts.add_moderator(rt, "claire", Role.MODERATOR, "un mot de passe solide")
    with TestClient(create_app(rt)) as c:
        yield c
    rt.db.dispose()


def test_no_page_has_inline_scripts_or_styles(demo_client: TestClient) -> None:
    uri = "/2025/08/15/canicule-les-villes-face-a-la-chaleur"
    first = demo_client.get("/api/v1/comments", params={"uri": uri}).json()
    some_id = first["comments"][0]["id"]
    pages = [
        ("/", {}),
        ("/thread", {"uri": uri}),
        ("/thread", {"uri": uri, "lang": "en"}),
        ("/thread", {"uri": uri, "reply": some_id}),
        ("/thread", {"uri": uri, "posted": some_id, "status": "pending"}),
        ("/thread", {"uri": uri, "fragment": "1"}),
        ("/thread", {"uri": uri, "fragment": "comments", "before": first["next"]}),
        ("/thread", {"uri": "/no-comments-yet"}),
        ("/mod/login", {}),
        ("/no-such-page", {}),
    ]
    for path, params in pages:
        res = demo_client.get(path, params=params)
        finder = _InlineFinder()
        finder.feed(res.text)
        assert not finder.problems, (path, params, finder.problems)

    res = demo_client.post(
        "/mod/login", data={"name": "claire", "password": "un mot de passe solide"}
    )
    assert res.url.path == "/mod/queue"
    finder = _InlineFinder()
    finder.feed(res.text)
    assert 'class="parvis-queue-item"' in res.text
    assert '<script src="/static/moderation.js"' in res.text
    assert not finder.problems, ("/mod/queue", finder.problems)


def test_thread_page_loads_the_widget_and_gives_it_its_texts(demo_client: TestClient) -> None:
    """The script's texts come from the page, translated on the server (French by default)."""
    import json

    uri = "/2025/08/15/canicule-les-villes-face-a-la-chaleur"
    html = demo_client.get("/thread", params={"uri": uri}).text
    assert '<script src="/embed.js" defer></script>' in html
    texts = json.loads(re.search(r"data-parvis-text='([^']*)'", html).group(1))  # type: ignore[union-attr]
    needed = {"pending", "published", "rejected", "replying", "edit", "delete", "count1"}
    assert needed <= set(texts)
    assert "{id}" in texts["replying"] and "{author}" in texts["replying"]
    english = demo_client.get("/thread", params={"uri": uri, "lang": "en", "fragment": "1"}).text
    assert "Your comment is awaiting validation." in english
