"""/mod/users: admins add moderators, change roles, disable and enable accounts; each
change is in the audit log."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from parvis.domain.moderator import Role
from parvis.errors import Conflict
from parvis.services import accounts
from parvis.services.runtime import Runtime
from parvis.store import audit

PASSWORD = "un mot de passe"


@pytest.fixture
def admin(client: TestClient, rt: Runtime) -> TestClient:
    accounts.add_moderator(rt, "ada", Role.ADMIN, PASSWORD)
    client.post("/mod/login", data={"name": "ada", "password": PASSWORD})
    return client


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def _post(client: TestClient, **fields: str):  # type: ignore[no-untyped-def]
    csrf = _csrf(client.get("/mod/users").text)
    return client.post("/mod/users", data={"csrf": csrf, **fields}, follow_redirects=False)


def _team(rt: Runtime) -> dict[str, tuple[str, bool]]:
    return {m.name: (m.role.value, m.disabled) for m in accounts.list_moderators(rt)}


def _log(rt: Runtime) -> list[tuple[str | None, str, str | None]]:
    with rt.db.read() as conn:
        return [(e.moderator, e.action, e.note) for e in reversed(audit.latest(conn))]


def test_an_admin_adds_a_moderator_who_can_log_in(
    admin: TestClient, rt: Runtime, client: TestClient
) -> None:
    r = _post(admin, action="add", name="bruno", role="moderator", password="long enough")
    assert r.status_code == 303 and r.headers["location"] == "/mod/users?done=add"
    assert _team(rt)["bruno"] == ("moderator", False)
    assert accounts.authenticate(rt, "bruno", "long enough").name == "bruno"
    assert _log(rt) == [("ada", "moderator-add", "bruno (moderator)")]
    assert "bruno" in admin.get("/mod/users").text


def test_adding_refuses_a_short_password_or_a_taken_name(admin: TestClient, rt: Runtime) -> None:
    r = _post(admin, action="add", name="bruno", role="moderator", password="court")
    assert r.status_code == 400 and "8" in r.text and 'value="bruno"' in r.text
    r = _post(admin, action="add", name="ada", role="moderator", password="long enough")
    assert r.status_code == 409
    r = _post(admin, action="add", name="eve", role="owner", password="long enough")
    assert r.status_code == 400
    assert set(_team(rt)) == {"ada"} and _log(rt) == []


def test_an_admin_changes_a_role(admin: TestClient, rt: Runtime) -> None:
    bruno = accounts.add_moderator(rt, "bruno", Role.MODERATOR, PASSWORD)
    assert _post(admin, action="role", id=str(bruno), role="admin").status_code == 303
    assert _team(rt)["bruno"] == ("admin", False)
    assert _post(admin, action="role", id=str(bruno), role="admin").status_code == 303
    assert _log(rt) == [("ada", "moderator-role", "bruno (admin)")]  # no change, no entry


def test_a_disabled_moderator_cannot_log_in_until_enabled(admin: TestClient, rt: Runtime) -> None:
    bruno = accounts.add_moderator(rt, "bruno", Role.MODERATOR, PASSWORD)
    assert _post(admin, action="disable", id=str(bruno)).status_code == 303
    assert _team(rt)["bruno"] == ("moderator", True)
    assert 'class="parvis-disabled"' in admin.get("/mod/users").text
    with pytest.raises(Exception, match="name or password"):
        accounts.authenticate(rt, "bruno", PASSWORD)
    assert _post(admin, action="enable", id=str(bruno)).status_code == 303
    assert accounts.authenticate(rt, "bruno", PASSWORD).name == "bruno"
    assert [a for _, a, _ in _log(rt)] == ["moderator-disable", "moderator-enable"]


def test_an_admin_cannot_demote_or_disable_themself(admin: TestClient, rt: Runtime) -> None:
    me = next(m for m in accounts.list_moderators(rt) if m.name == "ada")
    assert _post(admin, action="disable", id=str(me.id)).status_code == 409
    assert _post(admin, action="role", id=str(me.id), role="moderator").status_code == 409
    assert _team(rt)["ada"] == ("admin", False)
    with pytest.raises(Conflict):
        accounts.change_role(rt, me, me.id, "moderator")


def test_changes_need_the_csrf_token(admin: TestClient, rt: Runtime) -> None:
    r = admin.post(
        "/mod/users",
        data={
            "csrf": "forged",
            "action": "add",
            "name": "eve",
            "role": "admin",
            "password": "x" * 9,
        },
    )
    assert r.status_code == 403 and "eve" not in _team(rt)


def test_unknown_moderator_or_action(admin: TestClient) -> None:
    assert _post(admin, action="disable", id="999").status_code == 404
    assert _post(admin, action="promote").status_code == 400
