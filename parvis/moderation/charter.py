"""Read and validate a charter TOML file into the domain's Charter.

Validation reports every problem at once, each with its line: tomllib gives a
line for syntax errors only, so the semantic checks find lines by scanning the
source for table headers and `key =` lines (`_Locator`).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, TypeGuard

from parvis.domain.charter import BanAction, Charter, RejectAction, Rule
from parvis.domain.thread import ModerationMode
from parvis.errors import Invalid
from parvis.moderation.checks.base import CHECKS

DEFAULT_CHARTER = "default_charter.toml"

TOP_KEYS = frozenset(
    {"mode", "auto_approve", "intro", "disclaimer", "rules", "report_threshold", "ban_action"}
)
RULE_KEYS = frozenset({"id", "wording", "checks", "review", "reject", "on_reject", "public"})


@dataclass(frozen=True, slots=True)
class Problem:
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


class CharterError(Invalid):
    def __init__(self, problems: list[Problem], source: str = "charter") -> None:
        self.problems = problems
        listed = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{source}: {len(problems)} problem(s)\n{listed}", field="charter")


def default_charter_text() -> str:
    return resources.files("parvis.moderation").joinpath(DEFAULT_CHARTER).read_text("utf-8")


def load_charter(path: str | Path | None = None) -> Charter:
    if path is None:
        return parse_charter_text(default_charter_text(), "default charter")
    try:
        text = Path(path).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CharterError([Problem(None, f"cannot read {path}: {exc}")], str(path)) from exc
    return parse_charter_text(text, str(path))


def parse_charter_text(text: str, source: str = "charter") -> Charter:
    problems, charter = _validate_text(text)
    if problems or charter is None:
        raise CharterError(problems, source)
    return charter


def check_charter_text(text: str) -> list[Problem]:
    return _validate_text(text)[0]


def _validate_text(text: str) -> tuple[list[Problem], Charter | None]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        line = int(m.group(1)) if m else len(text.splitlines()) or 1
        message = re.sub(r"\s*\(at (?:line \d+, column \d+|end of document)\)", "", str(exc))
        return [Problem(line, f"TOML syntax error: {message}")], None
    problems = _validate(data, _Locator(text))
    return problems, None if problems else _build(data)


class _Locator:
    """Line numbers of keys in the TOML source, per table: ("", 0) is the top
    level, (name, 0) a [name] table, ("rules", k) the k-th [[rules]]."""

    _HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\"-]+)\s*\]\]?")
    _KEY = re.compile(r"^\s*([A-Za-z0-9_-]+|\"[^\"]*\")\s*(?:\.\s*[A-Za-z0-9_\"-]+\s*)*=")

    def __init__(self, text: str) -> None:
        self.lines: dict[tuple[str, int], dict[str, int]] = {}
        self.headers: dict[tuple[str, int], int] = {}
        section: tuple[str, int] = ("", 0)
        arrays: dict[str, int] = {}
        for number, line in enumerate(text.splitlines(), start=1):
            if m := self._HEADER.match(line):
                name = m.group(2).strip('"')
                top = name.split(".")[0]
                if m.group(1) == "[[":
                    arrays[name] = arrays.get(name, -1) + 1
                    section = (name, arrays[name])
                elif top in arrays:  # [rules.wording] belongs to the last [[rules]]
                    section = (top, arrays[top])
                    self.lines.setdefault(section, {}).setdefault(name.split(".")[1], number)
                    continue
                else:
                    section = (name, 0)
                self.headers.setdefault(section, number)
            elif m := self._KEY.match(line):
                self.lines.setdefault(section, {}).setdefault(m.group(1).strip('"'), number)

    def line(self, section: tuple[str, int], key: str | None = None) -> int | None:
        if key is not None and key in self.lines.get(section, {}):
            return self.lines[section][key]
        if section == ("", 0) and key in TOP_KEYS and (key, 0) in self.headers:
            return self.headers[(key, 0)]
        return self.headers.get(section)


def _validate(data: dict[str, Any], where: _Locator) -> list[Problem]:
    problems: list[Problem] = []

    def add(section: tuple[str, int], key: str | None, message: str) -> None:
        problems.append(Problem(where.line(section, key), message))

    top = ("", 0)
    for key in data:
        if key not in TOP_KEYS:
            expected = ", ".join(sorted(TOP_KEYS))
            add(top, key, f"unknown key {key!r} (expected one of {expected})")
    mode = data.get("mode", "pre")
    if not isinstance(mode, str) or mode not in {m.value for m in ModerationMode}:
        add(top, "mode", f"mode must be 'pre' or 'post', not {mode!r}")
    if not isinstance(data.get("auto_approve", False), bool):
        add(top, "auto_approve", "auto_approve must be true or false")
    threshold = data.get("report_threshold", 3)
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
        add(top, "report_threshold", "report_threshold must be a whole number, 1 or more")
    ban_action = data.get("ban_action", "refuse")
    if not isinstance(ban_action, str) or ban_action not in {a.value for a in BanAction}:
        add(top, "ban_action", f"ban_action must be 'refuse' or 'hold', not {ban_action!r}")
    for name in ("intro", "disclaimer"):
        value = data.get(name, {})
        if not isinstance(value, str) and not _is_text_table(value):
            add(top, name, f"{name} must be a text or a table of texts by language")

    rules = data.get("rules")
    if not isinstance(rules, list) or not rules:
        add(top, "rules", "the charter needs at least one [[rules]] table")
        return sorted(problems, key=lambda p: p.line or 0)
    seen: dict[str, int] = {}
    for index, rule in enumerate(rules):
        if not isinstance(rule, dict):
            add(top, "rules", "rules must be tables ([[rules]])")
            continue
        _validate_rule(rule, ("rules", index), add, seen)
    return sorted(problems, key=lambda p: p.line or 0)


def _validate_rule(
    rule: dict[str, Any], section: tuple[str, int], add: Any, seen: dict[str, int]
) -> None:
    for key in rule:
        if key not in RULE_KEYS:
            expected = ", ".join(sorted(RULE_KEYS))
            add(section, key, f"unknown rule key {key!r} (expected one of {expected})")
    rule_id = rule.get("id")
    label = f"rule {rule_id!r}" if isinstance(rule_id, str) else f"rule #{section[1] + 1}"
    if rule_id is None:
        add(section, None, f"{label} has no id")
    elif not isinstance(rule_id, str) or not re.fullmatch(r"[a-z][a-z0-9_-]*", rule_id):
        add(section, "id", f"{label}: id must be lowercase letters, digits, '-' or '_'")
    elif rule_id in seen:
        add(section, "id", f"duplicate rule id {rule_id!r} (first used by rule #{seen[rule_id]})")
    else:
        seen[rule_id] = section[1] + 1

    review, reject = rule.get("review"), rule.get("reject")
    if review is None:
        add(section, None, f"{label} has no review threshold")
    for key, value in (("review", review), ("reject", reject)):
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            add(section, key, f"{label}: {key} must be a number between 0 and 1")
        elif not 0 <= value <= 1:
            add(section, key, f"{label}: {key} = {value} is outside [0, 1]")
    if _is_number(review) and _is_number(reject) and reject < review:
        add(section, "reject", f"{label}: reject ({reject}) is below review ({review})")

    on_reject = rule.get("on_reject", "hold")
    if not isinstance(on_reject, str) or on_reject not in {a.value for a in RejectAction}:
        message = f"{label}: on_reject must be 'hold' or 'refuse', not {on_reject!r}"
        add(section, "on_reject", message)
    if not isinstance(rule.get("public", True), bool):
        add(section, "public", f"{label}: public must be true or false")
    if not _is_text_table(rule.get("wording", {})):
        add(section, "wording", f"{label}: wording must be a table of texts by language")

    checks = rule.get("checks", [rule_id] if isinstance(rule_id, str) else [])
    if not isinstance(checks, list) or not all(isinstance(c, str) for c in checks):
        add(section, "checks", f"{label}: checks must be a list of check names")
        return
    if not checks:
        add(section, "checks", f"{label} names no check")
    for name in checks:
        if name not in CHECKS:
            message = f"{label}: unknown check {name!r} (known: {', '.join(sorted(CHECKS))})"
            add(section, "checks" if "checks" in rule else "id", message)


def _is_number(value: Any) -> TypeGuard[float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_text_table(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())


def _texts(value: Any) -> dict[str, str]:
    return {"fr": value} if isinstance(value, str) else dict(value)


def _build(data: dict[str, Any]) -> Charter:
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
        for r in data["rules"]
    )
    return Charter(
        rules=rules,
        mode=ModerationMode(data.get("mode", "pre")),
        auto_approve=bool(data.get("auto_approve", False)),
        intro=_texts(data.get("intro", {})),
        disclaimer=_texts(data.get("disclaimer", {})),
        report_threshold=int(data.get("report_threshold", 3)),
        ban_action=BanAction(data.get("ban_action", "refuse")),
    )
