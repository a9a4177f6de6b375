"""Fixtures shared by every layer: settings, a migrated database (SQLite and PostgreSQL),
the runtime, an HTTP client on the real app."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import msgspec
import pytest
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.testclient import TestClient

from parvis.config import Settings, load_settings
from parvis.moderation.charter import load_charter
from parvis.services.runtime import Runtime
from parvis.store.db import Database
from parvis.store.schema import metadata
from parvis.web.app import create_app
from tests import pg

SECRET = "test-secret-not-for-production"
T = TypeVar("T")


def make_settings(db_url: str, **sections: dict[str, object]) -> Settings:
    overrides: dict[str, dict[str, object]] = {
        "security": {"secret_key": SECRET},
        "database": {"url": db_url},
    }
    for name, values in sections.items():
        overrides.setdefault(name, {}).update(values)
    return load_settings(None, env={}, overrides=overrides)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """`@pytest.mark.postgresql_only` tests run on PostgreSQL alone: their SQLite variant
    is not collected, rather than skipped."""
    keep, drop = [], []
    for item in items:
        params = getattr(item, "callspec", None)
        sqlite = params is not None and params.params.get("db_url") == "sqlite"
        (drop if sqlite and item.get_closest_marker("postgresql_only") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """A test may be skipped only by a marker that says why (`skipif`); a skip from inside
    a test or a fixture (a missing server, an earlier step that did not run) fails it."""
    report: pytest.TestReport = yield
    explained = item.get_closest_marker("skipif") or item.get_closest_marker("skip")
    if report.skipped and not explained and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped without a marker that explains it: {report.longrepr}"
    return report


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[str]:
    with pg.server() as (dsn, reason):
        if dsn is None:
            pytest.fail(f"no PostgreSQL for the tests: {reason}")
        yield dsn


@pytest.fixture(scope="session")
def pg_url(pg_admin: str) -> Iterator[str]:
    name = f"parvis_test_{os.getpid()}"
    url = pg.create_database(pg_admin, name)
    db = Database(url)
    db.migrate()
    db.dispose()
    yield url
    pg.drop_database(pg_admin, name)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "parvis.db"
    db = Database(f"sqlite:///{path}")
    db.migrate()
    db.dispose()
    return path


def _truncate(url: str) -> None:
    db = Database(url)
    with db.engine.begin() as conn:
        names = ", ".join(t.name for t in metadata.sorted_tables)
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    db.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    """Every test that takes this runs on both databases, each starting empty and migrated."""
    if request.param == "sqlite":
        path = tmp_path / "parvis.db"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("pg_url")
    _truncate(url)
    return url


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """asyncio.run in a thread of its own: the browser tests' Playwright keeps an event
    loop running in the main thread for the whole session."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


class Clock:
    """A clock the tests move by hand."""

    def __init__(self) -> None:
        self.now = datetime(2025, 8, 15, 16, 42, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def settings(db_url: str) -> Settings:
    return make_settings(db_url)


@pytest.fixture
def rt(settings: Settings, clock: Clock) -> Iterator[Runtime]:
    runtime = Runtime(
        settings=settings, db=Database(settings.database.url), charter=load_charter(), clock=clock
    )
    yield runtime
    runtime.db.dispose()


def app_with(rt: Runtime, **server: object) -> Starlette:
    """The app on the same store, with other [server] settings (e.g. cors_origins)."""
    settings = msgspec.structs.replace(
        rt.settings, server=msgspec.structs.replace(rt.settings.server, **server)
    )
    return create_app(Runtime(settings=settings, db=rt.db, charter=rt.charter, clock=rt.clock))


@pytest.fixture
def client(rt: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(rt)) as c:
        yield c
