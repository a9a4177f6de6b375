"""The moderators' pages: login, the queue, decisions (buttons, keys, bulk)."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from parvis.domain.moderator import Role
from parvis.domain.queue import QueueFilter, QueueOrder
from parvis.errors import Invalid, ParvisError
from parvis.services import accounts, moderating
from parvis.services.limits import enforce_rate_limit
from parvis.web.auth import (
    SESSION_COOKIE,
    check_csrf,
    csrf_token,
    require_moderator,
    requires,
)
from parvis.web.errors import localised_message
from parvis.web.http import (
    client_address,
    first,
    json_response,
    query_int,
    read_form,
    runtime,
    templates,
)

LOGIN_ATTEMPTS = 10  # per client and name, per 10 minutes
HEX = frozenset("0123456789abcdef")


async def _form(request: Request) -> dict[str, list[str]]:
    return await read_form(request)


async def login_page(request: Request) -> Response:
    return templates(request).response(
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
    tpl = templates(request)
    form = await _form(request)
    name, password = first(form, "name"), first(form, "password")
    next_url = _safe_next(first(form, "next"))
    try:
        key = f"login:{rt.client_hash(client_address(request))}"
        await run_in_threadpool(enforce_rate_limit, rt, key, LOGIN_ATTEMPTS, 600)
        moderator = await run_in_threadpool(accounts.authenticate, rt, name, password)
    except ParvisError as exc:
        message = localised_message(exc, tpl.language(request))
        return tpl.response(
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


@requires(Role.MODERATOR)
async def logout(request: Request) -> Response:
    form = await _form(request)
    check_csrf(request, form)
    response = RedirectResponse("/mod/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@requires(Role.MODERATOR)
async def queue_page(request: Request) -> Response:
    moderator = await require_moderator(request)
    rt = runtime(request)
    offset = max(0, query_int(request, "offset", 0) or 0)
    order = QueueOrder.OLDEST if request.query_params.get("order") == "oldest" else QueueOrder.RISK
    where, filters = _queue_filter(request)
    items, total = await run_in_threadpool(moderating.queue, rt, 50, offset, order, where)
    batch_id = _batch_id(request.query_params.get("batch"))
    batch = await run_in_threadpool(moderating.batch, rt, moderator, batch_id) if batch_id else None
    return templates(request).response(
        request,
        "mod/queue.html",
        {
            "moderator": moderator,
            "items": items,
            "total": total,
            "offset": offset,
            "order": order.value,
            "rule": where.rule,
            "rules": [r.id for r in rt.charter.rules],
            "filters": filters,
            "filter_query": urlencode(filters),
            "rule_base": urlencode({k: v for k, v in filters.items() if k != "rule"}),
            "undo": query_int(request, "undo"),
            "undo_seconds": moderating.UNDO_SECONDS,
            "csrf": csrf_token(request),
            "done": query_int(request, "done"),
            "skipped": query_int(request, "skipped"),
            "batch": batch,
            "batch_undone": query_int(request, "batch_undone"),
        },
    )


def _queue_filter(request: Request) -> tuple[QueueFilter, dict[str, str]]:
    """The queue's filters from the query string, and the parameters that keep them."""
    params = request.query_params
    hours = query_int(request, "older")
    where = moderating.queue_filter(
        runtime(request),
        rule=params.get("rule"),
        thread_id=query_int(request, "thread"),
        author=params.get("author"),
        older_hours=hours,
        reported=params.get("reported") == "1",
    )
    kept = {
        "rule": where.rule,
        "thread": where.thread_id,
        "author": where.author,
        "older": hours if where.older_than else None,
        "reported": 1 if where.reported else None,
    }
    return where, {k: str(v) for k, v in kept.items() if v}


@requires(Role.MODERATOR)
async def unflagged_page(request: Request) -> Response:
    """What "approve every comment with no flag" would publish, to read and confirm."""
    moderator = await require_moderator(request)
    items, total = await run_in_threadpool(moderating.unflagged, runtime(request))
    return templates(request).response(
        request,
        "mod/approve_unflagged.html",
        {
            "moderator": moderator,
            "items": items,
            "total": total,
            "csrf": csrf_token(request),
            "undo_minutes": runtime(request).settings.moderation.bulk_undo_seconds // 60,
        },
    )


@requires(Role.MODERATOR)
async def approve_unflagged(request: Request) -> Response:
    """Approve the comments the moderator read on the confirmation page, as one batch."""
    moderator = await require_moderator(request)
    form = await _form(request)
    check_csrf(request, form)
    ids = [int(i) for i in form.get("ids", []) if i.isdigit()]
    done = await run_in_threadpool(moderating.approve_batch, runtime(request), moderator, ids)
    if "application/json" in request.headers.get("accept", ""):
        until = done.undo_until.isoformat() if done.undo_until else None
        return json_response(
            {
                "batch": done.id,
                "approved": done.approved,
                "skipped": done.skipped,
                "undo_until": until,
            }
        )
    query = urlencode({"batch": done.id, "skipped": done.skipped or ""})
    return RedirectResponse(f"/mod/queue?{query}", status_code=303)


@requires(Role.MODERATOR)
async def undo_batch(request: Request) -> Response:
    """Take a whole bulk approval back while its time lasts."""
    moderator = await require_moderator(request)
    form = await _form(request)
    check_csrf(request, form)
    batch_id = _batch_id(first(form, "batch"))
    if batch_id is None:
        raise Invalid("no such batch", field="batch")
    n = await run_in_threadpool(moderating.undo_batch, runtime(request), moderator, batch_id)
    if "application/json" in request.headers.get("accept", ""):
        return json_response({"undone": n})
    return RedirectResponse(f"/mod/queue?batch_undone={n}", status_code=303)


def _batch_id(value: str | None) -> str | None:
    return value if value and len(value) == 16 and all(c in HEX for c in value) else None


@requires(Role.MODERATOR)
async def decide(request: Request) -> Response:
    """One or many decisions. Answers JSON to the page's script, a redirect to a plain form."""
    moderator = await require_moderator(request)
    form = await _form(request)
    check_csrf(request, form)
    rt = runtime(request)
    one = query_int(request, "one")  # a single item's own button
    ids = [one] if one else [int(i) for i in form.get("ids", []) if i.isdigit()]
    action = first(form, "action")
    done = []
    for comment_id in ids:
        # A private note per item (note-ID), or one for the whole selection.
        note = first(form, f"note-{comment_id}") or first(form, "note") or None
        comment = await run_in_threadpool(
            moderating.decide, rt, moderator, comment_id, action, note
        )
        done.append({"id": comment.id, "status": comment.status.value})
    if "application/json" in request.headers.get("accept", ""):
        return json_response({"done": done, "undo_seconds": moderating.UNDO_SECONDS})
    undo = f"&undo={done[0]['id']}" if len(done) == 1 else ""
    return RedirectResponse(f"/mod/queue?done={len(done)}{undo}", status_code=303)


@requires(Role.MODERATOR)
async def undo(request: Request) -> Response:
    """Take back one's last decision on a comment, within a few seconds."""
    moderator = await require_moderator(request)
    form = await _form(request)
    check_csrf(request, form)
    comment_id = int(first(form, "id")) if first(form, "id").isdigit() else 0
    comment = await run_in_threadpool(moderating.undo, runtime(request), moderator, comment_id)
    if "application/json" in request.headers.get("accept", ""):
        return json_response({"id": comment.id, "status": comment.status.value})
    return RedirectResponse(f"/mod/queue#q{comment.id}", status_code=303)


routes = [
    Route("/mod/login", login_page, methods=["GET"]),
    Route("/mod/login", login, methods=["POST"]),
    Route("/mod/logout", logout, methods=["POST"]),
    Route("/mod/queue", queue_page, methods=["GET"]),
    Route("/mod/decide", decide, methods=["POST"]),
    Route("/mod/undo", undo, methods=["POST"]),
    Route("/mod/approve-unflagged", unflagged_page, methods=["GET"]),
    Route("/mod/approve-unflagged", approve_unflagged, methods=["POST"]),
    Route("/mod/undo-batch", undo_batch, methods=["POST"]),
]
