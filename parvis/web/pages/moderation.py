"""The moderators' pages: login, the queue, decisions (buttons, keys, bulk)."""

from __future__ import annotations

from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from parvis.errors import Forbidden, ParvisError
from parvis.services import accounts, moderating
from parvis.services.limits import enforce_rate_limit
from parvis.store.comments import QueueOrder
from parvis.store.moderators import Moderator
from parvis.web.errors import localised_message
from parvis.web.http import client_address, first, json_response, query_int, read_form, runtime

SESSION_COOKIE = "parvis_session"
LOGIN_ATTEMPTS = 10  # per client and name, per 10 minutes


async def current_moderator(request: Request) -> Moderator | None:
    rt = runtime(request)
    value = request.cookies.get(SESSION_COOKIE)
    data = rt.tokens.read_session(value, rt.settings.security.session_max_age) if value else None
    if data is None:
        return None
    return await run_in_threadpool(accounts.moderator_by_id, rt, int(data["m"]))


def _login_redirect(request: Request) -> Response:
    return RedirectResponse(f"/mod/login?next={quote(request.url.path)}", status_code=303)


async def _form(request: Request) -> dict[str, list[str]]:
    return await read_form(request)


def _check_csrf(request: Request, form: dict[str, list[str]]) -> None:
    rt = runtime(request)
    session = request.cookies.get(SESSION_COOKIE, "")
    if not session or not rt.tokens.check_csrf(session, first(form, "csrf")):
        raise Forbidden("the form has expired; please send it again", code="csrf")


async def login_page(request: Request) -> Response:
    return request.app.state.templates.response(
        request,
        "mod/login.html",
        {"error": None, "name": "", "next": _safe_next(request.query_params.get("next"))},
    )


def _safe_next(value: str | None) -> str:
    return (
        value
        if value and value.startswith("/mod/") and not value.startswith("//")
        else "/mod/queue"
    )


async def login(request: Request) -> Response:
    rt = runtime(request)
    templates = request.app.state.templates
    form = await _form(request)
    name, password = first(form, "name"), first(form, "password")
    next_url = _safe_next(first(form, "next"))
    try:
        key = f"login:{rt.client_hash(client_address(request))}"
        await run_in_threadpool(enforce_rate_limit, rt, key, LOGIN_ATTEMPTS, 600)
        moderator = await run_in_threadpool(accounts.authenticate, rt, name, password)
    except ParvisError as exc:
        message = localised_message(exc, templates.language(request))
        return templates.response(
            request,
            "mod/login.html",
            {"error": message, "name": name, "next": next_url},
            status=exc.status,
        )
    response = RedirectResponse(next_url, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        rt.tokens.session(moderator.id),
        max_age=rt.settings.security.session_max_age,
        httponly=True,
        samesite="lax",
        secure=rt.settings.security.secure_cookies,
        path="/",
    )
    return response


async def logout(request: Request) -> Response:
    form = await _form(request)
    _check_csrf(request, form)
    response = RedirectResponse("/mod/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


async def queue_page(request: Request) -> Response:
    moderator = await current_moderator(request)
    if moderator is None:
        return _login_redirect(request)
    rt = runtime(request)
    offset = max(0, query_int(request, "offset", 0) or 0)
    order = QueueOrder.OLDEST if request.query_params.get("order") == "oldest" else QueueOrder.RISK
    rule = request.query_params.get("rule") or None
    rules = [r.id for r in rt.charter.rules]
    if rule not in (None, "none", *rules):
        rule = None
    items, total = await run_in_threadpool(moderating.queue, rt, 50, offset, order, rule)
    return request.app.state.templates.response(
        request,
        "mod/queue.html",
        {
            "moderator": moderator,
            "items": items,
            "total": total,
            "offset": offset,
            "order": order.value,
            "rule": rule,
            "rules": rules,
            "csrf": rt.tokens.csrf(request.cookies.get(SESSION_COOKIE, "")),
            "done": query_int(request, "done"),
            "skipped": query_int(request, "skipped"),
        },
    )


async def approve_unflagged(request: Request) -> Response:
    """One action: approve every pending comment the engine checked and flagged nothing on."""
    moderator = await current_moderator(request)
    if moderator is None:
        return _login_redirect(request)
    _check_csrf(request, await _form(request))
    approved, skipped = await run_in_threadpool(
        moderating.approve_unflagged, runtime(request), moderator
    )
    if "application/json" in request.headers.get("accept", ""):
        return json_response({"approved": approved, "skipped": skipped})
    return RedirectResponse(f"/mod/queue?done={approved}&skipped={skipped}", status_code=303)


async def decide(request: Request) -> Response:
    """One or many decisions. Answers JSON to the page's script, a redirect to a plain form."""
    moderator = await current_moderator(request)
    if moderator is None:
        return _login_redirect(request)
    form = await _form(request)
    _check_csrf(request, form)
    rt = runtime(request)
    one = query_int(request, "one")  # a single item's own button
    ids = [one] if one else [int(i) for i in form.get("ids", []) if i.isdigit()]
    action = first(form, "action")
    note = first(form, "note") or None
    done = []
    for comment_id in ids:
        comment = await run_in_threadpool(
            moderating.decide, rt, moderator, comment_id, action, note
        )
        done.append({"id": comment.id, "status": comment.status.value})
    if "application/json" in request.headers.get("accept", ""):
        return json_response({"done": done})
    return RedirectResponse(f"/mod/queue?done={len(done)}", status_code=303)


routes = [
    Route("/mod/login", login_page, methods=["GET"]),
    Route("/mod/login", login, methods=["POST"]),
    Route("/mod/logout", logout, methods=["POST"]),
    Route("/mod/queue", queue_page, methods=["GET"]),
    Route("/mod/decide", decide, methods=["POST"]),
    Route("/mod/approve-unflagged", approve_unflagged, methods=["POST"]),
]
