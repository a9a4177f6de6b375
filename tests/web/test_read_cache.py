"""The read cache: bounded staleness, emptied by a write through the process, ETag/304."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from parvis.moderation.charter import load_charter
from parvis.services import importing
from parvis.services.runtime import Runtime
from parvis.store.db import Database
from parvis.web.app import create_app
from tests.conftest import make_settings, run_async
from tests.services.test_import_corpus import GOOD, line

SECONDS = 0.3
PAGE = "/api/v1/comments?uri=/a"


class Ticks:
    """The runtime's monotonic clock, moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def ticks() -> Ticks:
    return Ticks()


@pytest.fixture
def cached(db_url: str, ticks: Ticks) -> Iterator[tuple[TestClient, Runtime]]:
    settings = make_settings(db_url, server={"read_cache_seconds": SECONDS})
    rt = Runtime(settings=settings, db=Database(db_url), charter=load_charter(), ticks=ticks)
    importing.import_comments(rt, GOOD)
    with TestClient(create_app(rt)) as client:
        yield client, rt
    rt.db.dispose()


def test_a_change_made_elsewhere_shows_within_the_configured_time(
    cached: tuple[TestClient, Runtime], ticks: Ticks
) -> None:
    client, rt = cached
    first = client.get(PAGE)
    assert first.json()["total"] == 4
    importing.import_comments(rt, [line(20, "/a")])  # another process, as it were
    ticks.now += SECONDS - 0.01
    assert client.get(PAGE).json()["total"] == 4  # still the cached page ...
    ticks.now += 0.02
    assert client.get(PAGE).json()["total"] == 5  # ... never for longer than configured
    assert client.get("/api/v1/counts?uri=/a").json() == {"counts": {"/a": 5}}


def test_a_write_through_the_process_empties_its_cache(
    cached: tuple[TestClient, Runtime],
) -> None:
    client, rt = cached
    assert client.get("/api/v1/counts?uri=/a").json()["counts"]["/a"] == 4
    importing.import_comments(rt, [line(21, "/a")])
    client.delete("/api/v1/comments/999999")  # refused: a failed write keeps the cache
    assert client.get("/api/v1/counts?uri=/a").json()["counts"]["/a"] == 4
    r = client.post("/api/v1/comments", json={"uri": "/b", "author": "X", "text": "Bonjour."})
    assert r.status_code == 201
    assert client.get("/api/v1/counts?uri=/a").json()["counts"]["/a"] == 5


def test_reads_carry_an_etag_and_answer_304(cached: tuple[TestClient, Runtime]) -> None:
    client, _ = cached
    r = client.get(PAGE)
    assert r.headers["cache-control"] in ("public, max-age=0", "public, max-age=1")
    assert r.headers["x-content-type-options"] == "nosniff"  # the outer middleware still runs
    again = client.get(PAGE, headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    other = client.get(PAGE + "&limit=1")
    assert other.headers["etag"] != r.headers["etag"] and len(other.json()["comments"]) == 1


def test_a_cached_answer_has_the_headers_of_a_fresh_one_for_each_origin(db_url: str) -> None:
    settings = make_settings(
        db_url, server={"read_cache_seconds": 5, "cors_origins": ["https://journal.example"]}
    )
    rt = Runtime(settings=settings, db=Database(db_url), charter=load_charter())
    importing.import_comments(rt, GOOD)

    def headers(origin: str | None) -> dict[str, str]:
        r = client.get(PAGE, headers={"Origin": origin} if origin else {})
        return {k: v for k, v in r.headers.items() if k != "cache-control"}

    with TestClient(create_app(rt)) as client:
        for origin in ("https://journal.example", "https://other.example", None):
            fresh, cached = headers(origin), headers(origin)
            assert fresh == cached
            allowed = fresh.get("access-control-allow-origin")
            assert allowed == (
                "https://journal.example" if origin == "https://journal.example" else None
            )
            assert fresh["x-content-type-options"] == "nosniff"
    rt.db.dispose()


def test_reads_of_many_articles_keep_the_cache_within_its_byte_budget(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Random articles, each read once, must not grow the process: the oldest pages go."""

    from parvis.web import cache

    monkeypatch.setattr(cache, "MAX_BYTES", 10_000)
    body = b"x" * 1_000

    async def page(scope: dict, receive: object, send: object) -> None:  # type: ignore[type-arg]
        await send({"type": "http.response.start", "status": 200, "headers": []})  # type: ignore[operator]
        await send({"type": "http.response.body", "body": body})  # type: ignore[operator]

    store = cache.ReadCache(page, seconds=60)  # type: ignore[arg-type]

    async def read(uri: str) -> None:
        scope = {
            "type": "http",
            "method": "GET",
            "path": "/api/v1/comments",
            "query_string": f"uri={uri}".encode(),
            "headers": [],
        }

        async def send(message: object) -> None:
            pass

        await store(scope, None, send)  # type: ignore[arg-type]

    async def many() -> None:
        for i in range(100):
            await read(f"/article-{i}")

    run_async(many())
    assert store._bytes <= 10_000 and len(store._entries) == 10
    assert b"/api/v1/comments?uri=/article-99\n" in store._entries  # the latest stay
