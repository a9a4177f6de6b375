"""The one place where errors become HTTP responses: JSON under /api, HTML elsewhere."""

from __future__ import annotations

import logging
from urllib.parse import quote

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from parvis.errors import ParvisError, RateLimited
from parvis.infra.i18n import pick_language, translations
from parvis.web.http import json_response, templates

log = logging.getLogger(__name__)


def _(message: str) -> str:
    """Marks a msgid for extraction; translated later, per request."""
    return message


def localised_message(exc: ParvisError, lang: str) -> str:
    message = translations(lang).gettext(exc.message)
    return message.format(**exc.params) if exc.params else message


def _wants_json(request: Request) -> bool:
    path = request.url.path
    return (
        path.startswith("/api/")
        or path.endswith(".json")
        or "application/json" in request.headers.get("accept", "")
    )


def _language(request: Request) -> str:
    rt = request.app.state.runtime
    return (
        pick_language(
            request.query_params.get("lang"),
            request.headers.get("accept-language"),
            rt.settings.site.language,
        )
        if request.url.path.startswith("/api/")
        else pick_language(request.query_params.get("lang"), None, rt.settings.site.language)
    )


def error_response(
    request: Request,
    status: int,
    code: str,
    message: str,
    field: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    if _wants_json(request):
        return json_response(
            {"error": {"code": code, "message": message, "field": field}}, status, headers
        )
    tpl = templates(request)
    return tpl.response(
        request,
        "error.html",
        {"status": status, "message": message, "lang": _language(request)},
        status=status,
        headers=headers,
    )


async def parvis_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ParvisError)
    if exc.code == "login_required" and not _wants_json(request):
        # A moderators' page opened without a session (web/auth.py): log in, then come back.
        return RedirectResponse(f"/mod/login?next={quote(request.url.path)}", status_code=303)
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
    return error_response(
        request,
        exc.status,
        exc.code,
        localised_message(exc, _language(request)),
        exc.field,
        headers,
    )


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
    messages = {404: _("not found"), 405: _("method not allowed")}
    message = translations(_language(request)).gettext(
        messages.get(exc.status_code, str(exc.detail))
    )
    return error_response(
        request, exc.status_code, code, message, None, getattr(exc, "headers", None)
    )


async def server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    message = translations(_language(request)).gettext(
        "an internal error occurred; nothing was lost, please try again"
    )
    return error_response(request, 500, "internal", message)


HANDLERS = {ParvisError: parvis_error, HTTPException: http_error, Exception: server_error}
