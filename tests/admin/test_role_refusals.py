"""Each moderators' page and API route checks the role; the routes are read from the app,
so a route added later is checked too."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from starlette.routing import Route
from starlette.testclient import TestClient

from parvis.domain.moderator import Role
from parvis.moderation.charter import load_charter
from parvis.services import accounts
from parvis.services.runtime import Runtime
from parvis.store.db import Database
from parvis.web.app import create_app
from tests.conftest import make_settings

PUBLIC = {"/mod/login"}  # the one moderators' page anyone may open
ADMIN_PAGES = ("/mod/outbox", "/mod/users", "/mod/bans")  # and what lies under them


def _routes() -> list[tuple[str, str]]:
    settings = make_settings("sqlite:///:memory:")
    rt = Runtime(settings=settings, db=Database(settings.database.url), charter=load_charter())
    app = create_app(rt)
    rt.db.dispose()
    found = []
    for route in app.routes:
        if isinstance(route, Route):
            path = re.sub(r"\{\w+:int\}", "1", re.sub(r"\{(\w+)\}", "x", route.path))
            for method in sorted((route.methods or set()) - {"HEAD"}):
                found.append((method, path))
    return found


ROUTES = _routes()
MODERATOR_ROUTES = [(m, p) for m, p in ROUTES if p.startswith("/mod/") and p not in PUBLIC]
ADMIN_ROUTES = [(m, p) for m, p in MODERATOR_ROUTES if p.startswith(ADMIN_PAGES)]
TEAM_ROUTES = [r for r in MODERATOR_ROUTES if r not in ADMIN_ROUTES]
API_ROUTES = [(m, p) for m, p in ROUTES if p.startswith("/api/v1/moderation")]


@pytest.fixture
def db_url(tmp_path: Path, sqlite_template: Path) -> str:
    """The checks do not touch SQL: SQLite alone keeps this long list quick."""
    path = tmp_path / "parvis.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


def _ids(routes: list[tuple[str, str]]) -> list[str]:
    return [f"{m} {p}" for m, p in routes]


def _send(client: TestClient, method: str, path: str, **kwargs: object):  # type: ignore[no-untyped-def]
    if method == "POST":
        kwargs.setdefault("data", {"csrf": "x", "action": "approve", "ids": "1"})
    return client.request(method, path, follow_redirects=False, **kwargs)  # type: ignore[arg-type]


def _login(client: TestClient, rt: Runtime, name: str, role: Role) -> TestClient:
    accounts.add_moderator(rt, name, role, "un mot de passe")
    r = client.post(
        "/mod/login", data={"name": name, "password": "un mot de passe"}, follow_redirects=False
    )
    assert r.status_code == 303
    return client


def test_the_route_lists_are_not_empty() -> None:
    assert ("GET", "/mod/queue") in MODERATOR_ROUTES
    assert ("GET", "/mod/users") in ADMIN_ROUTES and ("POST", "/mod/users") in ADMIN_ROUTES
    assert API_ROUTES


@pytest.mark.parametrize(("method", "path"), TEAM_ROUTES, ids=_ids(TEAM_ROUTES))
def test_moderators_are_not_refused_the_team_routes(
    client: TestClient, rt: Runtime, method: str, path: str
) -> None:
    _login(client, rt, "bruno", Role.MODERATOR)
    html = client.get("/mod/queue").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    r = _send(client, method, path, data={"csrf": csrf, "action": "approve", "ids": "1"})
    assert r.status_code not in (401, 403), f"{method} {path}: add it to ADMIN_PAGES if intended"


@pytest.mark.parametrize(("method", "path"), MODERATOR_ROUTES, ids=_ids(MODERATOR_ROUTES))
def test_anonymous_users_are_sent_to_the_login_page(
    client: TestClient, method: str, path: str
) -> None:
    r = _send(client, method, path)
    if path.endswith(".json"):
        assert r.status_code == 401 and r.json()["error"]["code"] == "login_required"
    else:
        assert r.status_code == 303, r.text
        assert r.headers["location"] == f"/mod/login?next={path}"


@pytest.mark.parametrize(("method", "path"), MODERATOR_ROUTES, ids=_ids(MODERATOR_ROUTES))
def test_anonymous_json_requests_get_401(client: TestClient, method: str, path: str) -> None:
    r = _send(client, method, path, headers={"Accept": "application/json"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "login_required"


@pytest.mark.parametrize(("method", "path"), ADMIN_ROUTES, ids=_ids(ADMIN_ROUTES))
def test_moderators_are_refused_the_admin_routes(
    client: TestClient, rt: Runtime, method: str, path: str
) -> None:
    _login(client, rt, "bruno", Role.MODERATOR)
    html = client.get("/mod/queue").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    r = _send(client, method, path, data={"csrf": csrf, "action": "add", "name": "eve"})
    assert r.status_code == 403
    assert "administrat" in r.text


@pytest.mark.parametrize(
    "path", [p for m, p in ADMIN_ROUTES if m == "GET"], ids=lambda p: f"GET {p}"
)
def test_admins_open_the_admin_pages(client: TestClient, rt: Runtime, path: str) -> None:
    _login(client, rt, "ada", Role.ADMIN)
    assert client.get(path).status_code == 200


@pytest.mark.parametrize(("method", "path"), API_ROUTES, ids=_ids(API_ROUTES))
def test_the_moderation_api_refuses_requests_without_a_token(
    client: TestClient, method: str, path: str
) -> None:
    r = client.request(method, path, json={"action": "approve"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
    r = client.request(
        method, path, json={"action": "approve"}, headers={"Authorization": "Bearer pvs_forged"}
    )
    assert r.status_code == 401


def test_the_nav_shows_the_admin_links_to_admins_only(client: TestClient, rt: Runtime) -> None:
    _login(client, rt, "bruno", Role.MODERATOR)
    html = client.get("/mod/queue").text
    assert 'href="/mod/audit"' in html and 'href="/mod/stats"' in html
    assert 'href="/mod/users"' not in html
    client.cookies.clear()
    _login(client, rt, "ada", Role.ADMIN)
    assert 'href="/mod/users"' in client.get("/mod/queue").text


def test_a_disabled_moderator_is_logged_out_at_once(client: TestClient, rt: Runtime) -> None:
    _login(client, rt, "bruno", Role.MODERATOR)
    assert client.get("/mod/stats", follow_redirects=False).status_code == 200
    admin_id = accounts.add_moderator(rt, "ada", Role.ADMIN, "un mot de passe")
    admin = accounts.moderator_by_id(rt, admin_id)
    assert admin is not None
    bruno = next(m for m in accounts.list_moderators(rt) if m.name == "bruno")
    accounts.set_disabled(rt, admin, bruno.id, True)
    assert client.get("/mod/stats", follow_redirects=False).status_code == 303
    assert client.get("/mod/stats.json").status_code == 401
