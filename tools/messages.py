"""Collect the interface's messages (msgids) from the code and templates, and keep the
catalogues in step: `python -m tools.messages update` (also `make messages`).

Errors are raised with their English message as the first argument (`Invalid("...")`),
so the error classes themselves are the gettext keywords: no `_()` noise in services.
The keywords are read from `parvis.errors`' class tree, so a new error class is one.

The catalogues are written sorted and without source locations: a message added on
two branches then merges as two separate lines. French translations get French
typography on the way (`french_typography`); tests/test_i18n.py checks it stays so.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import sys
from importlib import resources
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

import parvis
from parvis.errors import ParvisError
from parvis.infra.i18n import LANGUAGES

PACKAGE = Path(__file__).resolve().parent.parent / "parvis"


def _import_all() -> None:
    """Error classes live beside what raises them (`CharterError`, `CheckUnavailable`)."""
    for module in pkgutil.walk_packages(parvis.__path__, "parvis."):
        importlib.import_module(module.name)


def _error_classes(cls: type[ParvisError] = ParvisError) -> list[str]:
    names = [cls.__name__]
    for sub in cls.__subclasses__():
        names += _error_classes(sub)
    return names


_import_all()
KEYWORDS: dict[str, tuple[int, ...] | None] = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    **{name: (1,) for name in _error_classes()},
}
METHODS = [("**/templates/**.html", "jinja2.ext:babel_extract"), ("**.py", "python")]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true"}}


def extract() -> Catalog:
    catalog = Catalog(project="parvis")
    for filename, lineno, message, comments, context in extract_from_dir(
        PACKAGE, METHODS, keywords=KEYWORDS, options_map=OPTIONS, comment_tags=("TRANSLATORS:",)
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def po_path(lang: str) -> Path:
    return Path(str(resources.files("parvis").joinpath("locale", lang, "LC_MESSAGES", "parvis.po")))


def untranslated(catalog: Catalog) -> list[object]:
    def done(m: object) -> bool:
        string = m.string  # type: ignore[attr-defined]
        return bool(string) if not isinstance(string, tuple) else all(string)

    return [m.id for m in catalog if m.id and not done(m)]


NBSP, NNBSP = "\u00a0", "\u202f"


def french_typography(text: str) -> str:
    """’ for the apostrophe; « » with non-breaking spaces inside; a non-breaking space
    before a colon and after "n°", a narrow one before ; ! ? (where the text had a space)."""
    text = text.replace("'", "’").replace("n° ", "n°" + NBSP)
    text = re.sub(r"«[ \u00a0\u202f]*", "«" + NBSP, text)
    text = re.sub(r"[ \u00a0\u202f]*»", NBSP + "»", text)
    text = re.sub(r"[ \u00a0\u202f]:", NBSP + ":", text)
    return re.sub(r"[ \u00a0\u202f]([;!?])", NNBSP + r"\1", text)


def _typeset(catalog: Catalog) -> None:
    for message in catalog:
        if not message.id:
            continue  # the header
        if isinstance(message.string, str):
            message.string = french_typography(message.string)
        elif message.string:
            message.string = tuple(french_typography(s) for s in message.string)


def update() -> None:
    template = extract()
    for lang in LANGUAGES:
        if lang == "en":
            continue  # the msgids are English
        path = po_path(lang)
        if path.exists():
            with path.open("rb") as f:
                catalog = read_po(f, locale=lang)
        else:
            catalog = Catalog(locale=lang, project="parvis")
        catalog.update(template, no_fuzzy_matching=True)
        if lang == "fr":
            _typeset(catalog)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as f:
            write_po(
                f,
                catalog,
                width=100,
                omit_header=False,
                sort_output=True,
                no_location=True,
                ignore_obsolete=True,
            )
        missing = untranslated(catalog)
        print(f"{path}: {len(catalog)} messages, {len(missing)} untranslated")


if __name__ == "__main__":
    if sys.argv[1:] == ["update"]:
        update()
    else:
        for message in extract():
            if message.id:
                print(message.id)
