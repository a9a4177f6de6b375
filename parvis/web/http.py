"""Request parsing and response helpers shared by the API and the pages."""

from __future__ import annotations

import re
from typing import Any, TypeVar
from urllib.parse import parse_qs

import msgspec
from starlette.requests import Request
from starlette.responses import Response

from parvis.errors import Invalid, ParvisError, PayloadTooLarge
from parvis.services.runtime import Runtime
from parvis.web.templating import Templates

T = TypeVar("T")
_encoder = msgspec.json.Encoder()
_FIELD = re.compile(r"`\$\.([A-Za-z_][\w]*)")
_MISSING = re.compile(r"missing required field `(\w+)`")


class UnsupportedMediaType(ParvisError):
    status = 415
    code = "unsupported_media_type"


def runtime(request: Request) -> Runtime:
    rt: Runtime = request.app.state.runtime
    return rt


def templates(request: Request) -> Templates:
    found: Templates = request.app.state.templates
    return found


async def read_body(request: Request) -> bytes:
    """The body, refusing more than server.max_body_bytes even without Content-Length."""
    limit = runtime(request).settings.server.max_body_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge("the request body is too large ({limit} bytes at most)", limit=limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(
                "the request body is too large ({limit} bytes at most)", limit=limit
            )
        chunks.append(chunk)
    return b"".join(chunks)


async def read_form(request: Request) -> dict[str, list[str]]:
    """An urlencoded form (all of ours are), read within the body size limit."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype != "application/x-www-form-urlencoded":
        raise UnsupportedMediaType("send the form as application/x-www-form-urlencoded")
    body = await read_body(request)
    try:
        return parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=1000)
    except UnicodeDecodeError:
        raise Invalid("the body is not valid UTF-8", code="invalid_encoding") from None
    except ValueError:
        raise Invalid("the form has too many fields", code="invalid_form") from None


def first(form: dict[str, list[str]], name: str) -> str:
    values = form.get(name)
    return values[0] if values else ""


async def read_json(request: Request, into: type[T]) -> T:
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype != "application/json":
        raise UnsupportedMediaType("send JSON with Content-Type: application/json")
    body = await read_body(request)
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        raise Invalid("the body is not valid UTF-8", code="invalid_encoding") from None
    try:
        return msgspec.json.decode(body, type=into)
    except msgspec.ValidationError as exc:
        text = str(exc)
        m = _FIELD.search(text) or _MISSING.search(text)
        raise Invalid(
            "invalid value: {detail}", field=m.group(1) if m else None, detail=text
        ) from None
    except msgspec.DecodeError:
        raise Invalid("the body is not valid JSON", code="invalid_json") from None


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        _encoder.encode(data), status_code=status, headers=headers, media_type="application/json"
    )


def client_address(request: Request) -> str:
    if runtime(request).settings.server.trusted_proxy:
        forwarded = request.headers.get("x-forwarded-for", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.client.host if request.client else "unknown"


def bearer_token(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    scheme, _, token = auth.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def query_int(request: Request, name: str, default: int | None = None) -> int | None:
    value = request.query_params.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise Invalid("{name} must be a whole number", field=name, name=name) from None
