"""The charter as publishers handle it: check a file, show one, load the engine it drives.

The command line's way in to `parvis.moderation` (`parvis charter`, `parvis moderate`).
"""

from __future__ import annotations

from pathlib import Path

from parvis.domain.charter import Charter
from parvis.moderation.charter import (
    CharterError,
    Problem,
    check_charter_text,
    default_charter_text,
    load_charter,
    parse_charter_text,
)
from parvis.moderation.engine import Engine, get_engine

__all__ = [
    "CharterError",
    "Engine",
    "Problem",
    "check_text",
    "default_text",
    "load",
    "loaded_engine",
    "parse_text",
]


def check_text(text: str) -> list[Problem]:
    """Every mistake of a charter file, each with its line; empty when it is right."""
    return check_charter_text(text)


def parse_text(text: str, source: str) -> Charter:
    return parse_charter_text(text, source)


def default_text() -> str:
    return default_charter_text()


def load(path: str | Path | None) -> Charter:
    """The charter of this file, or the built-in French one."""
    return load_charter(path)


def loaded_engine(charter: Charter) -> Engine:
    """The engine for `charter`, its models loaded (once per process)."""
    engine = get_engine(charter)
    engine.warm()
    return engine
