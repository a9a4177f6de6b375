"""The check protocol and the registry of checks a charter may name (DESIGN §3)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Protocol

from parvis.domain.verdict import CheckContext, CheckResult
from parvis.errors import Invalid


class Check(Protocol):
    name: str

    def check(self, text: str, context: CheckContext) -> CheckResult: ...


# name -> "module:Class"; each class is constructible with no arguments and loads
# its model lazily, once, or when its optional `load()` is called (`Engine.warm`).
# Imported on demand so that a missing module only matters to a charter that names it.
CHECKS: dict[str, str] = {
    "language": "parvis.moderation.checks.language:LanguageCheck",
    "spam": "parvis.moderation.checks.spam:SpamCheck",
    "insult": "parvis.moderation.checks.insult:InsultCheck",
    "legal": "parvis.moderation.checks.legal:LegalCheck",
    "violence": "parvis.moderation.checks.violence:ViolenceCheck",
}


class CheckUnavailable(Invalid):
    pass


def check_factory(name: str) -> Callable[[], Check]:
    try:
        target = CHECKS[name]
    except KeyError:
        raise CheckUnavailable(f"unknown check {name!r}", field="checks") from None
    module_name, _, attr = target.partition(":")
    try:
        module = importlib.import_module(module_name)
        factory: Callable[[], Check] = getattr(module, attr)
    except (ImportError, AttributeError) as exc:
        raise CheckUnavailable(f"check {name!r} is not available ({exc})", field="checks") from exc
    return factory


def create_check(name: str) -> Check:
    return check_factory(name)()
