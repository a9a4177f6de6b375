"""The admins' page of the team: add a moderator, change a role, disable or enable."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from parvis.domain.moderator import Moderator, Role
from parvis.errors import ParvisError
from parvis.services import accounts
from parvis.web.auth import check_csrf, csrf_token, require_admin, requires
from parvis.web.errors import localised_message
from parvis.web.http import first, read_form, runtime, templates


async def _render(
    request: Request,
    admin: Moderator,
    *,
    error: str | None = None,
    name: str = "",
    status: int = 200,
) -> Response:
    team = await run_in_threadpool(accounts.list_moderators, runtime(request))
    return templates(request).response(
        request,
        "mod/users.html",
        {
            "moderator": admin,
            "csrf": csrf_token(request),
            "team": team,
            "roles": [r.value for r in Role],
            "error": error,
            "name": name,
            "done": request.query_params.get("done"),
        },
        status=status,
    )


@requires(Role.ADMIN)
async def users_page(request: Request) -> Response:
    return await _render(request, await require_admin(request))


@requires(Role.ADMIN)
async def change_user(request: Request) -> Response:
    """One form per action: `add` (name, role, password), `role`, `disable`, `enable`."""
    admin = await require_admin(request)
    form = await read_form(request)
    check_csrf(request, form)
    rt = runtime(request)
    action = first(form, "action")
    target = int(first(form, "id")) if first(form, "id").isdigit() else 0
    try:
        if action == "add":
            await run_in_threadpool(
                accounts.create_moderator,
                rt,
                admin,
                first(form, "name"),
                first(form, "role"),
                first(form, "password"),
            )
        elif action == "role":
            await run_in_threadpool(accounts.change_role, rt, admin, target, first(form, "role"))
        elif action in ("disable", "enable"):
            await run_in_threadpool(accounts.set_disabled, rt, admin, target, action == "disable")
        else:
            return await _render(request, admin, status=400)
    except ParvisError as exc:
        message = localised_message(exc, templates(request).language(request))
        return await _render(
            request, admin, error=message, name=first(form, "name"), status=exc.status
        )
    return RedirectResponse(f"/mod/users?done={action}", status_code=303)


routes = [
    Route("/mod/users", users_page, methods=["GET"]),
    Route("/mod/users", change_user, methods=["POST"]),
]
