"""The faster `_getMatches` yields what Grammalecte's own does, arc for arc."""

from __future__ import annotations

import types
from collections.abc import Iterator
from typing import Any

import pytest

from parvis.moderation.checks import language_grammalecte as french
from parvis.moderation.checks import language_speedups
from parvis_train import noise

SENTENCES = [
    "Les ministre ont pris une décision que personne n'a comprit hier soir.",
    "Il à oublié ses clés et ces parents sont venu le chercher a la gare.",
    "Ils sont partis hier, et les enfant aussi sont parti avec eux.",
    "Quant il viendra, nous en reparlerons tranquillement au dessus du pont.",
    "Je veux qu'il vienne demain ; je voudrais qu'ils viennent tous.",
    "Nous avons mangés des pommes que nous avions cueilli dans le jardin.",
    "Si j'aurais su, je ne serais pas venu. Elle s'est permise de répondre.",
    "LES ÉLUS ONT VOTÉ CONTRE LE PROJET, C'EST UNE HONTE !",
    "Malgré que le maire l'ait promis, rien n'a été fait depuis 2019.",
    "C'est eux qui ont raison, pas vous. Laissez-les faire leurs preuves.",
    "Le Président de la République s'est exprimé : « nous agirons vite ».",
    "Peut-être que oui, peut-être que non ; qui sait ce qu'ils feront ?",
]


def _original_get_matches() -> Any:
    """Grammalecte's own `_getMatches`, compiled afresh from its module's source."""
    from grammalecte.fr import gc_engine

    with open(gc_engine.__file__, encoding="utf-8") as f:
        code = compile(f.read(), gc_engine.__file__, "exec")
    copy: dict[str, Any] = {"__name__": "gc_engine_copy", "__package__": "grammalecte.fr"}
    exec(code, copy)
    function = copy["TextParser"]._getMatches
    return types.FunctionType(function.__code__, vars(gc_engine), "_getMatches")


@pytest.mark.slow
def test_the_same_arcs_are_matched_as_by_grammalecte(monkeypatch: pytest.MonkeyPatch) -> None:
    from grammalecte.fr import gc_engine

    checker = french.checker()
    assert gc_engine.TextParser._getMatches is language_speedups.get_matches
    original = _original_get_matches()
    calls = 0

    def both(self: Any, graph: Any, token: Any, node: Any, keep: bool = False) -> Iterator[Any]:
        nonlocal calls
        calls += 1
        monkeypatch.setattr(gc_engine.TextParser, "_getMatches", original)
        expected = list(original(self, graph, token, node, keep))
        monkeypatch.setattr(gc_engine.TextParser, "_getMatches", both)
        assert list(language_speedups.get_matches(self, graph, token, node, keep)) == expected
        return iter(expected)

    monkeypatch.setattr(gc_engine.TextParser, "_getMatches", both)
    noisy = [noise.inject(s, 3, seed=i)[0] for i, s in enumerate(SENTENCES)]
    for text in SENTENCES + noisy:
        checker.grammar_errors(text)
    assert calls > 1000


def test_another_grammalecte_keeps_its_own_code(monkeypatch: pytest.MonkeyPatch) -> None:
    from grammalecte.fr import gc_engine

    french.checker()
    installed = gc_engine.TextParser._getMatches
    monkeypatch.setattr(gc_engine, "version", "9.9.9")
    monkeypatch.setattr(gc_engine.TextParser, "_getMatches", "original")
    assert language_speedups.install() is False
    assert gc_engine.TextParser._getMatches == "original"
    monkeypatch.undo()
    assert gc_engine.TextParser._getMatches is installed
