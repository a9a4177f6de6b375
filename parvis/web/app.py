"""The ASGI application: routes, middleware, error handlers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from parvis.infra import memory
from parvis.services import notifications
from parvis.services.background import BackgroundWorker
from parvis.services.runtime import Runtime
from parvis.web import errors
from parvis.web.api import check, comments, counts, moderation, openapi, reports
from parvis.web.api import threads as threads_api
from parvis.web.cache import ReadCache
from parvis.web.pages import (
    articles,
    audit,
    bans,
    feeds,
    follow,
    home,
    mailqueue,
    report,
    reports_queue,
    stats,
    thread,
    users,
)
from parvis.web.pages import moderation as moderation_pages
from parvis.web.templating import Templates

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; "
    "frame-ancestors 'self'"
)


class SecurityHeaders:
    """CSP and friends on every HTML page; the widget's script and the API need CORS, not CSP."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.setdefault("headers", [])
                headers.append((b"x-content-type-options", b"nosniff"))
                headers.append((b"referrer-policy", b"strict-origin-when-cross-origin"))
                if any(k == b"content-type" and v.startswith(b"text/html") for k, v in headers):
                    headers.append((b"content-security-policy", CSP.encode()))
                    headers.append((b"x-frame-options", b"SAMEORIGIN"))
            await send(message)

        await self.app(scope, receive, send_with_headers)


TRIM_EVERY = 10.0  # seconds between two trims of the heap; one takes a few milliseconds


def _lifespan(rt: Runtime) -> Callable[[Starlette], AbstractAsyncContextManager[None]]:
    """What each server process runs beside its requests: the outbox in a thread with
    `[mail] worker = "inprocess"` (the moderation queue has a process of its own,
    `parvis.cli.checker`), and a periodic trim of the heap: a burst of posts otherwise
    leaves about 17 MB of freed memory resident in each process."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        background = None
        if rt.settings.mail.worker == "inprocess":
            background = BackgroundWorker(notifications.make_worker(rt))
            background.start()
        trimming = asyncio.create_task(_trim_periodically())
        try:
            yield
        finally:
            trimming.cancel()
            if background is not None:
                await run_in_threadpool(background.stop)

    return lifespan


async def _trim_periodically(
    wait: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> None:
    while True:
        await wait(TRIM_EVERY)
        await run_in_threadpool(memory.trim)


def create_app(rt: Runtime) -> Starlette:
    routes = [
        *comments.routes,
        *check.routes,
        *openapi.routes,
        *counts.routes,
        *moderation.routes,
        *thread.routes,
        *home.routes,
        *moderation_pages.routes,
        *follow.routes,
        *feeds.routes,
        *mailqueue.routes,
        *audit.routes,
        *stats.routes,
        *users.routes,
        *reports.routes,
        *report.routes,
        *reports_queue.routes,
        *bans.routes,
        *articles.routes,
        *threads_api.routes,
        Mount("/static", StaticFiles(packages=[("parvis.web", "static")]), name="static"),
    ]
    middleware = [
        Middleware(  # outermost
            ReadCache, seconds=rt.settings.server.read_cache_seconds, clock=rt.ticks
        ),
        Middleware(SecurityHeaders),
        Middleware(
            CORSMiddleware,
            allow_origins=rt.settings.server.cors_origins,
            allow_methods=["GET", "POST", "PUT", "DELETE"],
            allow_headers=["Content-Type", "X-Parvis-Edit-Token", "Authorization"],
            max_age=600,
        ),
    ]
    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers=errors.HANDLERS,
        lifespan=_lifespan(rt),
    )
    app.state.runtime = rt
    app.state.templates = Templates(rt)
    return app
