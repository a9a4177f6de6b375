"""Who may do what: the one place where sessions, API tokens, roles and the moderators'
CSRF token are checked.

Moderators moderate; admins also manage moderators, bans and settings. A page declares
the role it needs with `@requires(Role.X)` (tests read the mark off every route under
/mod/, so a new route cannot forget it) and reads the moderator back with
`require_moderator`/`require_admin`, which cost one lookup per request.

Refusals: no session -> `Unauthorized(code="login_required")`, which `web/errors.py`
turns into a redirect to /mod/login for a page and a 401 for JSON; wrong role -> 403.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import cast

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from parvis.domain.moderator import Moderator, Role
from parvis.errors import Forbidden, Unauthorized
from parvis.services import accounts
from parvis.web.http import bearer_token, first, runtime

SESSION_COOKIE = "parvis_session"
LOGIN_REQUIRED = "login_required"
_RANK = {Role.MODERATOR: 1, Role.ADMIN: 2}
_UNSET = object()

Endpoint = Callable[[Request], Awaitable[Response]]


async def session_moderator(request: Request) -> Moderator | None:
    """The moderator of the session cookie, if any (a disabled account has none)."""
    cached = getattr(request.state, "parvis_moderator", _UNSET)
    if cached is not _UNSET:
        return cast(Moderator | None, cached)
    rt = runtime(request)
    value = request.cookies.get(SESSION_COOKIE)
    data = rt.tokens.read_session(value, rt.settings.security.session_max_age) if value else None
    moderator = (
        await run_in_threadpool(accounts.moderator_by_id, rt, int(data["m"])) if data else None
    )
    request.state.parvis_moderator = moderator
    return moderator


def allowed(moderator: Moderator, role: Role) -> bool:
    return _RANK[moderator.role] >= _RANK[role]


async def require_role(request: Request, role: Role) -> Moderator:
    moderator = await session_moderator(request)
    if moderator is None:
        raise Unauthorized("log in to continue", code=LOGIN_REQUIRED)
    if not allowed(moderator, role):
        raise Forbidden("only administrators may do this", code="admin_only")
    return moderator


async def require_moderator(request: Request) -> Moderator:
    return await require_role(request, Role.MODERATOR)


async def require_admin(request: Request) -> Moderator:
    return await require_role(request, Role.ADMIN)


def requires(role: Role) -> Callable[[Endpoint], Endpoint]:
    """Refuse the request before the endpoint runs unless the session has `role`."""

    def mark(endpoint: Endpoint) -> Endpoint:
        async def guarded(request: Request) -> Response:
            await require_role(request, role)
            return await endpoint(request)

        guarded.__name__ = endpoint.__name__
        guarded.__doc__ = endpoint.__doc__
        return guarded

    return mark


async def token_moderator(request: Request) -> Moderator:
    """The moderator whose API token the request carries (the JSON API's only credential)."""
    token = bearer_token(request)
    moderator = (
        await run_in_threadpool(accounts.moderator_for_token, runtime(request), token)
        if token
        else None
    )
    if moderator is None:
        raise Unauthorized("a moderator's API token is required (Authorization: Bearer TOKEN)")
    return moderator


def csrf_token(request: Request) -> str:
    """The hidden field for the moderators' forms, bound to their session."""
    return runtime(request).tokens.csrf(request.cookies.get(SESSION_COOKIE, ""))


def check_csrf(request: Request, form: dict[str, list[str]]) -> None:
    rt = runtime(request)
    session = request.cookies.get(SESSION_COOKIE, "")
    if not session or not rt.tokens.check_csrf(session, first(form, "csrf")):
        raise Forbidden("the form has expired; please send it again", code="csrf")
