"""/ (latest articles), /healthz, /embed.js."""

from __future__ import annotations

from importlib import resources

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from parvis.services import reading
from parvis.web.http import json_response, runtime, templates

_WIDGET = resources.files("parvis.web").joinpath("static", "embed.js")


async def home(request: Request) -> Response:
    latest = await run_in_threadpool(reading.latest_threads, runtime(request))
    return templates(request).response(request, "home.html", {"latest": latest})


async def healthz(request: Request) -> Response:
    try:
        ok = await run_in_threadpool(runtime(request).ping)
    except Exception:  # the store does not answer: that is what this route reports
        ok = False
    return json_response({"status": "ok" if ok else "unavailable"}, status=200 if ok else 503)


async def embed_js(request: Request) -> Response:
    return Response(
        _WIDGET.read_bytes(),
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": "public, max-age=300"},
    )


async def robots(request: Request) -> Response:
    return PlainTextResponse("User-agent: *\nDisallow: /mod/\n")


routes = [
    Route("/", home, methods=["GET"]),
    Route("/healthz", healthz, methods=["GET"]),
    Route("/embed.js", embed_js, methods=["GET"]),
    Route("/robots.txt", robots, methods=["GET"]),
]
