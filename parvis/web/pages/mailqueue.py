"""Moderators' pages for mail: the admins' dead-letter list with "retry", and each
moderator's choice of alerts."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from parvis.domain.moderator import AlertKind, Moderator, Role
from parvis.errors import ParvisError
from parvis.services import mailqueue
from parvis.web.auth import check_csrf, csrf_token, require_admin, require_moderator, requires
from parvis.web.errors import localised_message
from parvis.web.http import first, query_int, read_form, runtime, templates


@requires(Role.ADMIN)
async def outbox_page(request: Request) -> Response:
    moderator = await require_admin(request)
    counts, dead = await run_in_threadpool(mailqueue.overview, runtime(request), moderator)
    response: Response = templates(request).response(
        request,
        "mod/outbox.html",
        {
            "moderator": moderator,
            "counts": counts,
            "dead": dead,
            "csrf": csrf_token(request),
            "retried": query_int(request, "retried"),
        },
    )
    return response


@requires(Role.ADMIN)
async def retry(request: Request) -> Response:
    moderator = await require_admin(request)
    form = await read_form(request)
    check_csrf(request, form)
    ids = [int(i) for i in form.get("ids", []) if i.isdigit()]
    n = await run_in_threadpool(mailqueue.retry, runtime(request), moderator, ids)
    return RedirectResponse(f"/mod/outbox?retried={n}", status_code=303)


@requires(Role.MODERATOR)
async def alerts_page(request: Request) -> Response:
    moderator = await require_moderator(request)
    prefs = await run_in_threadpool(mailqueue.alert_prefs, runtime(request), moderator.id)
    return _alerts(request, moderator, prefs.email or "", prefs.kinds, None, saved=False)


def _alerts(
    request: Request,
    moderator: Moderator,
    email: str,
    kinds: frozenset[AlertKind] | set[str],
    error: str | None,
    saved: bool,
    status: int = 200,
) -> Response:
    rt = runtime(request)
    response: Response = templates(request).response(
        request,
        "mod/alerts.html",
        {
            "moderator": moderator,
            "email": email,
            "kinds": {str(k) for k in kinds},
            "error": error,
            "saved": saved,
            "csrf": csrf_token(request),
            "threshold": rt.settings.notify.queue_threshold,
            "max_wait": rt.settings.notify.queue_max_wait // 60,
        },
        status=status,
    )
    return response


@requires(Role.MODERATOR)
async def save_alerts(request: Request) -> Response:
    moderator = await require_moderator(request)
    form = await read_form(request)
    check_csrf(request, form)
    email = first(form, "email")
    kinds = set(form.get("alerts", []))
    try:
        prefs = await run_in_threadpool(
            mailqueue.set_alert_prefs, runtime(request), moderator.id, email, kinds
        )
    except ParvisError as exc:
        message = localised_message(exc, templates(request).language(request))
        return _alerts(request, moderator, email, kinds, message, False, exc.status)
    return _alerts(request, moderator, prefs.email or "", prefs.kinds, None, saved=True)


routes = [
    Route("/mod/outbox", outbox_page, methods=["GET"]),
    Route("/mod/outbox/retry", retry, methods=["POST"]),
    Route("/mod/alerts", alerts_page, methods=["GET"]),
    Route("/mod/alerts", save_alerts, methods=["POST"]),
]
