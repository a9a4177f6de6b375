"""Jinja2 environments, one per interface language, with gettext installed."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from parvis.infra.i18n import LANGUAGES, format_date, pick_language, translations
from parvis.services.runtime import Runtime
from parvis.web.highlight import highlight


def thread_url(uri: str, **params: Any) -> str:
    query = {"uri": uri, **{k: v for k, v in params.items() if v not in (None, "", False)}}
    return "/thread?" + urlencode(query)


class Templates:
    def __init__(self, rt: Runtime) -> None:
        self._rt = rt
        self._envs: dict[str, Environment] = {}
        for lang in LANGUAGES:
            env = Environment(
                loader=PackageLoader("parvis.web", "templates"),
                autoescape=select_autoescape(default=True),
                extensions=["jinja2.ext.i18n"],
                trim_blocks=True,
                lstrip_blocks=True,
            )
            env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
            tz = rt.settings.site.timezone
            env.globals.update(
                lang=lang,
                site=rt.settings.site,
                charter=rt.charter,
                thread_url=thread_url,
                highlight=highlight,
                fmt_date=lambda d, _lang=lang, _tz=tz: format_date(d, _lang, _tz),
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

    def gettext(self, lang: str, message: str) -> str:
        return translations(lang).gettext(message)
