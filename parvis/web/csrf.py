"""CSRF for readers' forms (no session): a cookie paired with a hidden token, or, for a
section a publisher's page included server-side (whose browser never got our cookie),
an Origin that is ours or one of the configured publisher sites."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from starlette.requests import Request

from parvis.errors import Forbidden
from parvis.web.http import runtime

CSRF_COOKIE = "parvis_csrf"


def reader_cookie(request: Request) -> tuple[str, bool]:
    """The reader's CSRF cookie value, and whether it is new (to be set on the response)."""
    value = request.cookies.get(CSRF_COOKIE)
    if value and len(value) >= 16:
        return value, False
    return secrets.token_urlsafe(24), True


def _origin(request: Request) -> str | None:
    origin = request.headers.get("origin")
    if origin and origin != "null":
        return origin.rstrip("/")
    referer = urlsplit(request.headers.get("referer", ""))
    return f"{referer.scheme}://{referer.netloc}" if referer.scheme and referer.netloc else None


def check_reader_form(request: Request, token: str) -> None:
    rt = runtime(request)
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if cookie and rt.tokens.check_csrf(cookie, token):
        return
    public = urlsplit(rt.settings.server.public_url)
    trusted = {
        f"{public.scheme}://{public.netloc}",
        *(o.rstrip("/") for o in rt.settings.server.cors_origins),
    }
    if _origin(request) in trusted:
        return
    raise Forbidden("the form has expired; please send it again", code="csrf")
