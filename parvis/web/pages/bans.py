"""/mod/bans: list, add and lift bans on one page (admins, and moderators when the setting
`moderation.moderators_may_ban` lets them; others are told why they cannot)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from parvis.domain.ban import BanKind
from parvis.domain.moderator import Moderator, Role
from parvis.errors import Forbidden, Invalid
from parvis.services import bans
from parvis.web.auth import check_csrf, csrf_token, require_moderator, requires
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
    tpl = templates(request)
    context: dict[str, Any] = {"moderator": moderator, "csrf": csrf_token(request)}
    try:
        active = await run_in_threadpool(bans.active_bans, rt, moderator)
        ban_form = (
            await run_in_threadpool(bans.ban_form, rt, moderator, comment_id)
            if comment_id
            else None
        )
    except Forbidden as exc:  # a moderator on a site where only admins ban: say why
        context["refused"] = localised_message(exc, tpl.language(request))
        return tpl.response(request, "mod/bans.html", context, status=exc.status)
    now = rt.now()
    context.update(
        {
            "bans": active,
            "ban_form": ban_form,
            "form": form or {},
            "error": error,
            "durations": [(d, now + timedelta(days=d) if d else None) for d in bans.DURATIONS],
            "kinds": [k.value for k in bans.kinds_offered(rt)],
            "banned": query_int(request, "banned"),
            "rejected": query_int(request, "rejected"),
            "lifted": query_int(request, "lifted"),
        }
    )
    return tpl.response(request, "mod/bans.html", context, status=status)


@requires(Role.MODERATOR)
async def bans_page(request: Request) -> Response:
    moderator = await require_moderator(request)
    return await _render(request, moderator, query_int(request, "comment"))


@requires(Role.MODERATOR)
async def add_ban(request: Request) -> Response:
    moderator = await require_moderator(request)
    bans.require_ban_right(runtime(request), moderator)
    raw = await read_form(request)
    check_csrf(request, raw)
    form = {k: v[0] for k, v in raw.items()}
    comment = first(raw, "comment")
    comment_id = int(comment) if comment.isdigit() else None
    days = first(raw, "days")
    try:
        kind = BanKind(first(raw, "kind"))
    except ValueError:
        invalid = Invalid(
            "choose what to ban: e-mail address, pseudonym or network fingerprint", field="kind"
        )
        return await _invalid(request, moderator, comment_id, form, invalid)
    ban_request = bans.BanRequest(
        kind=kind,
        reason=first(raw, "reason"),
        days=int(days) if days.isdigit() else -1,
        comment_id=comment_id,
        value=first(raw, "value"),
        reject_pending=first(raw, "reject_pending") == "1",
    )
    try:
        done = await run_in_threadpool(bans.ban, runtime(request), moderator, ban_request)
    except Invalid as exc:
        return await _invalid(request, moderator, comment_id, form, exc)
    return RedirectResponse(f"/mod/bans?banned={done.id}&rejected={done.rejected}", status_code=303)


async def _invalid(
    request: Request,
    moderator: Moderator,
    comment_id: int | None,
    form: dict[str, str],
    exc: Invalid,
) -> Response:
    message = localised_message(exc, templates(request).language(request))
    return await _render(request, moderator, comment_id, form, message, exc.status)


@requires(Role.MODERATOR)
async def lift_ban(request: Request) -> Response:
    moderator = await require_moderator(request)
    bans.require_ban_right(runtime(request), moderator)
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
