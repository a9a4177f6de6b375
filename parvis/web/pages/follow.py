"""Following an article by mail: the form (no JavaScript needed), the JSON route for the
widget, the confirmation link and the one-click unsubscribe of RFC 8058."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from parvis.errors import Forbidden, Invalid, ParvisError
from parvis.services import subscriptions
from parvis.web.api.schemas import SubscriptionIn, SubscriptionOut
from parvis.web.csrf import check_reader_form
from parvis.web.http import (
    client_address,
    first,
    json_response,
    read_form,
    read_json,
    runtime,
    templates,
)


def _back(uri: str, state: str) -> Response:
    query = urlencode({"uri": uri, "follow": state})
    return RedirectResponse(f"/thread?{query}#parvis-follow", status_code=303)


async def follow_form(request: Request) -> Response:
    """POST /follow from the page's form: back to the article with a notice either way."""
    rt = runtime(request)
    form = await read_form(request)
    uri = first(form, "uri")
    check_reader_form(request, first(form, "csrf"))
    if not uri:
        raise Invalid("the article's URI is missing", field="uri")
    try:
        await run_in_threadpool(
            subscriptions.follow,
            rt,
            uri,
            first(form, "email"),
            first(form, "mode") or None,
            first(form, "lang") or templates(request).language(request),
            client_address(request),
            first(form, "page") or request.headers.get("referer"),
        )
    except ParvisError as exc:
        if isinstance(exc, Forbidden) or exc.status >= 500:
            raise
        return _back(uri, "limited" if exc.status == 429 else "invalid")
    return _back(uri, "sent")


async def follow_api(request: Request) -> Response:
    """POST /api/v1/subscriptions {"uri", "email", "mode"}: 202, a confirmation mail goes out."""
    rt = runtime(request)
    body = await read_json(request, SubscriptionIn)
    await run_in_threadpool(
        subscriptions.follow,
        rt,
        body.uri,
        body.email,
        body.mode,
        body.lang or templates(request).language(request),
        client_address(request),
        body.page or request.headers.get("referer"),
    )
    return json_response(SubscriptionOut("confirmation_sent"), status=202)


def _token(request: Request, form: dict[str, list[str]] | None = None) -> str:
    token = request.query_params.get("t") or (first(form, "t") if form else "")
    if not token:
        raise Invalid("this link is not valid", field="t", code="bad_link")
    return token


async def confirm_page(request: Request) -> Response:
    """GET: a page with one button. Following the link alone changes nothing, so a mail
    scanner that opens every link cannot subscribe anyone."""
    rt = runtime(request)
    token = _token(request)
    await run_in_threadpool(subscriptions.read_confirmation, rt, token)
    return templates(request).response(
        request, "follow_confirm.html", {"token": token, "done": False, "thread": None}
    )


async def confirm(request: Request) -> Response:
    rt = runtime(request)
    form = await read_form(request)
    done = await run_in_threadpool(subscriptions.confirm, rt, _token(request, form))
    return templates(request).response(
        request,
        "follow_confirm.html",
        {"token": "", "done": True, "thread": done.thread, "back": done.back},
    )


async def unsubscribe_page(request: Request) -> Response:
    rt = runtime(request)
    token = _token(request)
    await run_in_threadpool(subscriptions.read_unsubscribe, rt, token)
    return templates(request).response(
        request, "follow_unsubscribe.html", {"token": token, "done": False, "thread": None}
    )


async def unsubscribe(request: Request) -> Response:
    """POST: the page's button, or the mail client's one-click (body
    `List-Unsubscribe=One-Click`, RFC 8058). The signed token authenticates it: no CSRF."""
    rt = runtime(request)
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    form = await read_form(request) if ctype == "application/x-www-form-urlencoded" else {}
    done = await run_in_threadpool(subscriptions.unsubscribe, rt, _token(request, form))
    return templates(request).response(
        request,
        "follow_unsubscribe.html",
        {"token": "", "done": True, "thread": done.thread, "scope": done.scope.value},
    )


routes = [
    Route("/follow", follow_form, methods=["POST"]),
    Route("/api/v1/subscriptions", follow_api, methods=["POST"]),
    Route("/follow/confirm", confirm_page, methods=["GET"]),
    Route("/follow/confirm", confirm, methods=["POST"]),
    Route("/unsubscribe", unsubscribe_page, methods=["GET"]),
    Route("/unsubscribe", unsubscribe, methods=["POST"]),
]
