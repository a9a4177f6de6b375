"""Jinja2 environments, one per interface language, with gettext installed."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from babel.numbers import format_decimal
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from parvis.infra.i18n import (
    LANGUAGES,
    format_date,
    format_day,
    format_time,
    pick_language,
    translations,
)
from parvis.services.runtime import Runtime
from parvis.web.highlight import highlight
from parvis.web.labels import Labels


def thread_url(uri: str, **params: Any) -> str:
    query = {"uri": uri, **{k: v for k, v in params.items() if v not in (None, "", False)}}
    return "/thread?" + urlencode(query)


class Templates:
    def __init__(self, rt: Runtime) -> None:
        self._rt = rt
        self._envs: dict[str, Environment] = {}
        self._labels: dict[str, Labels] = {}
        for lang in LANGUAGES:
            env = Environment(
                loader=PackageLoader("parvis.web", "templates"),
                autoescape=select_autoescape(default=True),
                extensions=["jinja2.ext.i18n"],
                trim_blocks=True,
                lstrip_blocks=True,
            )
            catalogue = translations(lang)
            env.install_gettext_translations(catalogue, newstyle=True)  # type: ignore[attr-defined]
            self._labels[lang] = Labels(catalogue.gettext, catalogue.ngettext, rt.charter, lang)
            tz = rt.settings.site.timezone
            env.globals.update(
                lang=lang,
                site=rt.settings.site,
                charter=rt.charter,
                thread_url=thread_url,
                highlight=highlight,
                fmt_date=lambda d, _lang=lang, _tz=tz: format_date(d, _lang, _tz),
                fmt_day=lambda d, _lang=lang: format_day(d, _lang),
                fmt_time=lambda d, _lang=lang, _tz=tz: format_time(d, _lang, _tz),
                fmt_score=lambda x, _lang=lang: format_decimal(x, "0.00", locale=_lang),
                label=self._labels[lang],
                may_ban=rt.settings.moderation.moderators_may_ban,
            )
            self._envs[lang] = env

    def language(self, request: Request) -> str:
        return pick_language(
            request.query_params.get("lang"),
            request.headers.get("accept-language") if not self._rt.settings.site.language else None,
            self._rt.settings.site.language,
        )

    def render_string(self, lang: str, name: str, context: dict[str, Any]) -> str:
        return self._envs[lang].get_template(name).render(context)

    def response(
        self,
        request: Request,
        name: str,
        context: dict[str, Any],
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> HTMLResponse:
        lang = context.get("lang") or self.language(request)
        html = self.render_string(lang, name, {"request": request, **context})
        return HTMLResponse(html, status_code=status, headers=headers)

    def labels(self, lang: str) -> Labels:
        """The names of stored codes (actions, statuses...) in `lang` (web/labels.py)."""
        return self._labels[lang]

    def gettext(self, lang: str, message: str) -> str:
        return translations(lang).gettext(message)
