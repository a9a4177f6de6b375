"""Read a charter TOML file into the domain's Charter."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from parvis.domain.charter import Charter, RejectAction, Rule
from parvis.domain.thread import ModerationMode

DEFAULT_CHARTER = "default_charter.toml"


def default_charter_text() -> str:
    return resources.files("parvis.moderation").joinpath(DEFAULT_CHARTER).read_text("utf-8")


def load_charter(path: str | Path | None = None) -> Charter:
    text = default_charter_text() if path is None else Path(path).read_text("utf-8")
    return parse_charter(tomllib.loads(text))


def parse_charter(data: dict[str, Any]) -> Charter:
    rules = tuple(
        Rule(
            id=r["id"],
            wording=dict(r.get("wording", {})),
            checks=tuple(r.get("checks", [r["id"]])),
            review=float(r["review"]),
            reject=None if r.get("reject") is None else float(r["reject"]),
            on_reject=RejectAction(r.get("on_reject", "hold")),
            public=bool(r.get("public", True)),
        )
        for r in data.get("rules", [])
    )
    return Charter(
        rules=rules,
        mode=ModerationMode(data.get("mode", "pre")),
        auto_approve=bool(data.get("auto_approve", False)),
        intro=dict(data.get("intro", {})),
        disclaimer=dict(data.get("disclaimer", {})),
    )
