"""Interface languages: gettext catalogues (Babel) and French-style dates.

Messages are written in English in the code (the msgids); `parvis/locale/fr`
translates them. The .po files are read at start-up, so no compiled .mo file
needs to be built or committed.
"""

from __future__ import annotations

import gettext
from datetime import date, datetime
from functools import cache
from importlib import resources
from io import BytesIO
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
_DATE_FORMATS = {"fr": "d MMMM y 'à' HH:mm", "en": "MMMM d, y 'at' h:mm a"}
_DAY_FORMATS = {"fr": "d MMMM y", "en": "MMMM d, y"}
_TIME_FORMATS = {"fr": "HH:mm", "en": "h:mm a"}


@cache
def translations(lang: str) -> gettext.NullTranslations:
    if lang not in LANGUAGES:
        lang = DEFAULT_LANGUAGE
    po = resources.files("parvis").joinpath("locale", lang, "LC_MESSAGES", "parvis.po")
    if not po.is_file():
        return gettext.NullTranslations()
    with po.open("rb") as f:
        catalog = read_po(f, locale=lang)
    buf = BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def pick_language(
    requested: str | None, accept: str | None = None, default: str = DEFAULT_LANGUAGE
) -> str:
    """An explicit ?lang= wins; then the first supported language of Accept-Language."""
    if requested in LANGUAGES:
        return requested
    for part in (accept or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return default if default in LANGUAGES else DEFAULT_LANGUAGE


def format_date(value: datetime, lang: str, tz: str = "Europe/Paris") -> str:
    """'15 août 2025 à 18:42' in French."""
    return format_datetime(
        value.astimezone(ZoneInfo(tz)), _DATE_FORMATS.get(lang, _DATE_FORMATS["fr"]), locale=lang
    )


def format_day(value: date, lang: str) -> str:
    """'11 décembre 2026' in French."""
    return babel_format_date(value, _DAY_FORMATS.get(lang, _DAY_FORMATS["fr"]), locale=lang)


def format_time(value: datetime, lang: str, tz: str = "Europe/Paris") -> str:
    """'18:42' in French, '6:42 PM' in English."""
    return format_datetime(
        value.astimezone(ZoneInfo(tz)), _TIME_FORMATS.get(lang, _TIME_FORMATS["fr"]), locale=lang
    )
