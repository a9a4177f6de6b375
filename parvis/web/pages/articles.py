"""/mod/articles: close and reopen comments, switch between pre- and post-moderation."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from parvis.domain.moderator import Role
from parvis.errors import Invalid
from parvis.services import articles
from parvis.web.auth import check_csrf, csrf_token, require_moderator, requires
from parvis.web.http import first, query_int, read_form, runtime, templates

PAGE = 50


@requires(Role.MODERATOR)
async def articles_page(request: Request) -> Response:
    moderator = await require_moderator(request)
    offset = max(0, query_int(request, "offset", 0) or 0)
    rows = await run_in_threadpool(articles.latest, runtime(request), PAGE, offset)
    return templates(request).response(
        request,
        "mod/articles.html",
        {
            "moderator": moderator,
            "rows": rows,
            "offset": offset,
            "page": PAGE,
            "csrf": csrf_token(request),
            "default_mode": runtime(request).charter.mode.value,
        },
    )


@requires(Role.MODERATOR)
async def change_article(request: Request) -> Response:
    moderator = await require_moderator(request)
    form = await read_form(request)
    check_csrf(request, form)
    rt = runtime(request)
    thread_id = request.path_params["id"]
    action = first(form, "action")
    if action in ("close", "reopen"):
        await run_in_threadpool(articles.set_closed, rt, moderator, thread_id, action == "close")
    elif action == "mode":
        await run_in_threadpool(articles.set_mode, rt, moderator, thread_id, first(form, "mode"))
    else:
        raise Invalid("action must be 'close', 'reopen' or 'mode'", field="action")
    return RedirectResponse(f"/mod/articles#a{thread_id}", status_code=303)


routes = [
    Route("/mod/articles", articles_page, methods=["GET"]),
    Route("/mod/articles/{id:int}", change_article, methods=["POST"]),
]
