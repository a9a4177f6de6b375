"""/thread: the comment section rendered on the server, usable without JavaScript."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from parvis.domain.comment import Comment
from parvis.domain.verdict import Verdict
from parvis.errors import Forbidden, Invalid, ParvisError, Unauthorized
from parvis.services import checking, posting, reading
from parvis.web.api.comments import EDIT_COOKIE, required_uri, set_edit_cookie
from parvis.web.csrf import CSRF_COOKIE, check_reader_form, reader_cookie
from parvis.web.errors import localised_message
from parvis.web.highlight import highlight
from parvis.web.http import client_address, query_int, read_form, runtime, templates


async def thread_page(request: Request) -> Response:
    return await _render(request, form={}, errors={}, status=200)


async def _render(
    request: Request,
    form: dict[str, str],
    errors: dict[str, str],
    status: int,
    uri: str | None = None,
    error: str | None = None,
    checked: Verdict | None = None,
) -> Response:
    rt = runtime(request)
    tpl = templates(request)
    uri = uri or required_uri(request)
    before = request.query_params.get("before") or None
    # The first page shows `page_size` comments; "show earlier comments" adds a page at a time.
    cfg = rt.settings.comments
    more = max(1, min(cfg.more_page_size, cfg.max_page_size)) if before else None
    page = await run_in_threadpool(
        reading.thread_page, rt, uri, before, query_int(request, "limit") or more
    )
    reply_id = query_int(request, "reply") or (
        int(form["parent"]) if form.get("parent", "").isdigit() else None
    )
    reply_to = _find(page.comments, reply_id) if reply_id else None
    posted_id = query_int(request, "posted")
    csrf_cookie, fresh = reader_cookie(request)
    fragment = request.query_params.get("fragment")
    name = {"1": "thread_fragment.html", "comments": "thread_comments.html"}.get(
        fragment or "", "thread.html"
    )
    context: dict[str, Any] = {
        "page": page,
        "uri": uri,
        "form": form,
        "errors": errors,
        "error": error,
        "reply_to": reply_to,
        "reply_id": reply_id,
        "posted_id": posted_id,
        "posted_status": request.query_params.get("status"),
        "csrf": rt.tokens.csrf(csrf_cookie),
        "max_length": rt.settings.comments.max_length,
        "before": request.query_params.get("before"),
        "public_url": rt.settings.server.public_url.rstrip("/"),
        "own": await _own_comment(request, posted_id) if posted_id else None,
        "deleted": request.query_params.get("deleted") == "1",
        "checked": checked,
        "checked_text": highlight(form.get("text", "").replace("\r\n", "\n").strip(), checked)
        if checked
        else None,
    }
    response = tpl.response(request, name, context, status=status)
    if fresh:
        response.set_cookie(
            CSRF_COOKIE,
            csrf_cookie,
            httponly=True,
            samesite="lax",
            secure=rt.settings.security.secure_cookies,
        )
    return response


async def _own_comment(request: Request, comment_id: int) -> Comment | None:
    """The reader's comment just posted, editable while its cookie is valid."""
    token = request.cookies.get(EDIT_COOKIE.format(id=comment_id))
    if not token:
        return None
    try:
        return await run_in_threadpool(posting.own_comment, runtime(request), comment_id, token)
    except ParvisError:
        return None


async def edit_form(request: Request) -> Response:
    """Edit or delete one's own comment without JavaScript (the edit cookie is the right)."""
    rt = runtime(request)
    form = {k: v[0] for k, v in (await read_form(request)).items()}
    check_reader_form(request, form.get("csrf", ""))
    uri = form.get("uri", "")
    comment_id = int(form["id"]) if form.get("id", "").isdigit() else 0
    token = request.cookies.get(EDIT_COOKIE.format(id=comment_id), "")
    if not token:
        raise Unauthorized("not allowed to change this comment", code="edit_denied")
    if form.get("delete"):
        await run_in_threadpool(posting.delete_comment, rt, comment_id, token)
        response = RedirectResponse(
            f"/thread?{urlencode({'uri': uri, 'deleted': 1})}#parvis-notice", status_code=303
        )
        response.delete_cookie(EDIT_COOKIE.format(id=comment_id))
        return response
    try:
        comment = await run_in_threadpool(
            posting.edit_comment, rt, comment_id, token, form.get("text", "")
        )
    except Invalid as exc:
        message = localised_message(exc, templates(request).language(request))
        return await _render(request, form={}, errors={}, status=exc.status, uri=uri, error=message)
    query = urlencode({"uri": uri, "posted": comment.id, "status": comment.status.value})
    return RedirectResponse(f"/thread?{query}#parvis-notice", status_code=303)


def _find(comments: list[Any], comment_id: int) -> Any:
    for c in comments:
        if c.id == comment_id:
            return c
        found = _find(c.replies, comment_id)
        if found is not None:
            return found
    return None


async def _refused(request: Request, form: dict[str, str], uri: str, exc: ParvisError) -> Response:
    """The page again, with what was typed and the reason next to its field. A refusal
    that is not about the input (a forged form) keeps its own error page."""
    if isinstance(exc, Forbidden):
        raise exc
    message = localised_message(exc, templates(request).language(request))
    return await _render(
        request,
        form=form,
        errors={exc.field or "form": message},
        status=exc.status,
        uri=uri,
        error=message,
    )


async def post_form(request: Request) -> Response:
    """The form without JavaScript: on error the page comes back with what was typed."""
    rt = runtime(request)
    form = {k: v[0] for k, v in (await read_form(request)).items()}
    uri = form.get("uri", "")
    check_reader_form(request, form.get("csrf", ""))
    if not uri:
        raise Invalid("the article's URI is missing", field="uri")
    parent = form.get("parent", "").strip()
    if form.get("check"):  # "Vérifier": show what the charter would say, post nothing
        try:
            verdict = await run_in_threadpool(
                checking.check_text, rt, form.get("text", ""), client_address(request), uri
            )
        except ParvisError as exc:
            return await _refused(request, form, uri, exc)
        return await _render(request, form=form, errors={}, status=200, uri=uri, checked=verdict)
    try:
        data = posting.CommentInput(
            uri=uri,
            author=form.get("author", ""),
            text=form.get("text", ""),
            email=form.get("email") or None,
            parent=int(parent) if parent.isdigit() else None,
            title=form.get("title") or None,
            notify_replies=bool(form.get("notify_replies")),
        )
        posted = await run_in_threadpool(posting.post_comment, rt, data, client_address(request))
    except ParvisError as exc:
        return await _refused(request, form, uri, exc)
    query = urlencode({"uri": uri, "posted": posted.id, "status": posted.status.value})
    response = RedirectResponse(f"/thread?{query}#parvis-notice", status_code=303)
    set_edit_cookie(request, response, posted.id, posted.edit_token)
    return response


routes = [
    Route("/thread", thread_page, methods=["GET"]),
    Route("/thread/comment", post_form, methods=["POST"]),
    Route("/thread/edit", edit_form, methods=["POST"]),
]
