"""The moderation dashboard: charts drawn as SVG with a table of the same figures, and
the figures as JSON."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from parvis.domain.moderator import Role
from parvis.services import statistics
from parvis.web import charts
from parvis.web.auth import csrf_token, require_moderator, requires
from parvis.web.http import json_response, runtime, templates

WINDOWS = (7, 30, 90, 365)


async def _figures(request: Request) -> statistics.Statistics:
    days = statistics.parse_days(request.query_params.get("days"))
    return await run_in_threadpool(statistics.statistics, runtime(request), days)


@requires(Role.MODERATOR)
async def stats_page(request: Request) -> Response:
    moderator = await require_moderator(request)
    s = await _figures(request)
    tpl = templates(request)
    lang = tpl.language(request)

    def _(message: str) -> str:
        return tpl.gettext(lang, message)

    days = [d.day.strftime("%d/%m") for d in s.comments]
    label = tpl.labels(lang)
    figures = {
        "comments": charts.bars(
            "chart-comments", _("Comments per day"), days, [d.value for d in s.comments]
        ),
        "reports": charts.bars(
            "chart-reports", _("Reports per day"), days, [d.value for d in s.reports]
        ),
        "queue": charts.line(
            "chart-queue",
            _("Comments waiting at the end of each day"),
            days,
            [d.value for d in s.queue],
        ),
        "rules": charts.stacked(
            "chart-rules",
            _("Decisions per rule"),
            [
                (
                    label("rule", r.rule),
                    [(_("approved"), r.approved), (_("rejected"), r.rejected)],
                )
                for r in s.rules
            ],
            [("approved", _("approved")), ("rejected", _("rejected"))],
        ),
    }
    return tpl.response(
        request,
        "mod/stats.html",
        {
            "moderator": moderator,
            "csrf": csrf_token(request),
            "s": s,
            "charts": figures,
            "windows": WINDOWS,
            "median": _duration(s.median_seconds),
        },
    )


def _duration(seconds: float | None) -> str | None:
    """'2 h 05 min', '12 min', '40 s'."""
    if seconds is None:
        return None
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {secs:02d} s" if minutes < 10 and secs else f"{minutes} min"
    return f"{secs} s"


@requires(Role.MODERATOR)
async def stats_json(request: Request) -> Response:
    return json_response(statistics.as_json(await _figures(request)))


routes = [
    Route("/mod/stats", stats_page, methods=["GET"]),
    Route("/mod/stats.json", stats_json, methods=["GET"]),
]
