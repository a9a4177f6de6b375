"""Shared CLI plumbing: settings from --config and the environment, the runtime."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from parvis.config import Settings, load_settings
from parvis.errors import ParvisError
from parvis.services.runtime import Runtime


def config_path(ctx: click.Context) -> str | None:
    root = ctx.find_root()
    path = (root.obj or {}).get("config_path")
    if path is None and Path("parvis.toml").is_file():
        path = "parvis.toml"
    return path


def settings(ctx: click.Context, **overrides: Any) -> Settings:
    with cli_errors():
        return load_settings(config_path(ctx), overrides=_nest(overrides))


def runtime(ctx: click.Context, *, with_engine: bool = False, **overrides: Any) -> Runtime:
    s = settings(ctx, **overrides)
    with cli_errors():
        rt = Runtime.from_settings(s, with_engine=with_engine)
    rt.migrate()
    return rt


@contextmanager
def cli_errors() -> Iterator[None]:
    """Our errors end the command with their message and exit code 1, not a traceback."""
    try:
        yield
    except ParvisError as exc:
        raise click.ClickException(str(exc)) from None


def _nest(flat: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """{'database__url': x} -> {'database': {'url': x}}"""
    out: dict[str, dict[str, Any]] = {}
    for key, value in flat.items():
        section, _, name = key.partition("__")
        out.setdefault(section, {})[name] = value
    return out
