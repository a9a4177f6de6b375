"""Atom feeds: valid XML, published comments only, escaped, never an address."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from starlette.testclient import TestClient

from parvis.domain.moderator import Moderator
from parvis.services import posting
from parvis.services.posting import CommentInput
from parvis.services.runtime import Runtime
from tests.notify.conftest import PUBLIC_URL, publish

A = "{http://www.w3.org/2005/Atom}"


def test_the_article_feed_and_the_latest_feed(
    client: TestClient, rt: Runtime, moderator: Moderator
) -> None:
    first = publish(
        rt,
        moderator,
        uri="/a",
        title="Canicule & <chaleur>",
        author="Léa <b>",
        email="lea@example.net",
        text="Il fait <script>chaud</script> & lourd.",
    )
    publish(rt, moderator, uri="/b", author="Paul", text="Ailleurs.")
    waiting = posting.post_comment(
        rt, CommentInput(uri="/a", author="X", text="En attente."), "192.0.2.9", trusted=True
    ).id
    r = client.get("/feed/thread.atom", params={"uri": "/a"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/atom+xml")
    assert "lea@example.net" not in r.text and "<script>" not in r.text
    feed = ET.fromstring(r.content)
    assert feed.tag == f"{A}feed" and feed.findtext(f"{A}title") == "Canicule & <chaleur>"
    entries = feed.findall(f"{A}entry")
    assert len(entries) == 1  # published only, this article only
    entry = entries[0]
    assert entry.findtext(f"{A}author/{A}name") == "Léa <b>"
    assert "&lt;script&gt;" in (entry.findtext(f"{A}content") or "")  # the sanitised HTML, as text
    link = entry.find(f"{A}link")
    assert link is not None and link.get("href") == f"{PUBLIC_URL}/thread?uri=%2Fa#{first}"
    assert f"comment-{waiting}<" not in r.text
    latest = ET.fromstring(client.get("/feed/latest.atom").content)
    assert len(latest.findall(f"{A}entry")) == 2
    empty = client.get("/feed/thread.atom", params={"uri": "/nowhere"})
    assert empty.status_code == 200 and ET.fromstring(empty.content).findall(f"{A}entry") == []
    assert client.get("/feed/thread.atom").status_code == 400
