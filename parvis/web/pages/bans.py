"""/mod/bans: the admins list, add and lift bans on one page."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from parvis.domain.ban import BanKind
from parvis.domain.moderator import Moderator, Role
from parvis.errors import Invalid
from parvis.services import bans
from parvis.web.auth import check_csrf, csrf_token, require_admin, requires
from parvis.web.errors import localised_message
from parvis.web.http import first, query_int, read_form, runtime, templates


async def _render(
    request: Request,
    moderator: Moderator,
    comment_id: int | None,
    form: dict[str, str] | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    rt = runtime(request)
    active = await run_in_threadpool(bans.active_bans, rt, moderator)
    comment = (
        await run_in_threadpool(bans.comment_to_ban, rt, moderator, comment_id)
        if comment_id
        else None
    )
    context: dict[str, Any] = {
        "moderator": moderator,
        "bans": active,
        "comment": comment,
        "form": form or {},
        "error": error,
        "durations": bans.DURATIONS,
        "kinds": [k.value for k in BanKind],
        "csrf": csrf_token(request),
        "banned": query_int(request, "banned"),
        "lifted": query_int(request, "lifted"),
        "now": rt.now(),
    }
    response: Response = templates(request).response(
        request, "mod/bans.html", context, status=status
    )
    return response


@requires(Role.ADMIN)
async def bans_page(request: Request) -> Response:
    moderator = await require_admin(request)
    return await _render(request, moderator, query_int(request, "comment"))


@requires(Role.ADMIN)
async def add_ban(request: Request) -> Response:
    moderator = await require_admin(request)
    raw = await read_form(request)
    check_csrf(request, raw)
    form = {k: v[0] for k, v in raw.items()}
    comment = first(raw, "comment")
    comment_id = int(comment) if comment.isdigit() else None
    days = first(raw, "days")
    try:
        kind = BanKind(first(raw, "kind"))
    except ValueError:
        invalid = Invalid("choose what to ban: e-mail, client or pseudonym", field="kind")
        return await _invalid(request, moderator, comment_id, form, invalid)
    ban_request = bans.BanRequest(
        kind=kind,
        reason=first(raw, "reason"),
        days=int(days) if days.isdigit() else -1,
        comment_id=comment_id,
        value=first(raw, "value"),
    )
    try:
        ban_id = await run_in_threadpool(bans.ban, runtime(request), moderator, ban_request)
    except Invalid as exc:
        return await _invalid(request, moderator, comment_id, form, exc)
    return RedirectResponse(f"/mod/bans?banned={ban_id}", status_code=303)


async def _invalid(
    request: Request,
    moderator: Moderator,
    comment_id: int | None,
    form: dict[str, str],
    exc: Invalid,
) -> Response:
    message = localised_message(exc, templates(request).language(request))
    return await _render(request, moderator, comment_id, form, message, exc.status)


@requires(Role.ADMIN)
async def lift_ban(request: Request) -> Response:
    moderator = await require_admin(request)
    form = await read_form(request)
    check_csrf(request, form)
    ban_id = first(form, "id")
    if not ban_id.isdigit():
        raise Invalid("no such ban", field="id")
    await run_in_threadpool(bans.lift, runtime(request), moderator, int(ban_id))
    return RedirectResponse(f"/mod/bans?lifted={ban_id}", status_code=303)


routes = [
    Route("/mod/bans", bans_page, methods=["GET"]),
    Route("/mod/bans", add_ban, methods=["POST"]),
    Route("/mod/bans/lift", lift_ban, methods=["POST"]),
]
