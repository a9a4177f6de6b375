"""A faster `TextParser._getMatches` for Grammalecte 2.1.2, put in place of its own.

Grammalecte walks its rule graphs token by token; `_getMatches` yields the arcs of a
node that a token matches, and takes about half of the grammar pass. This version
yields the same arcs in the same order (tests/moderation/test_language_speedups.py
compares the two on Grammalecte's own test sentences); it only works less for them:
the anti-patterns ("pattern¬negative") are split and compiled once per pattern rather
than at every token, a token's morphologies are looked up once, and the set of
unanalysable token types is built once.

It replaces the original only for the version it was written from (`install`);
another Grammalecte keeps its own code. Grammalecte is GPL-3.0 (Olivier R.), as is this
derivative.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

log = logging.getLogger(__name__)

VERSION = "2.1.2"  # the Grammalecte whose `_getMatches` this one reproduces

_NO_VALUE_REGEX = frozenset(["INFO", "PUNC", "SIGN"])
# An arc of a node's "<re_value>", "<re_morph>" or "<morph>": (arc, next node, kind,
# pattern, negative pattern), where kind is _PLAIN (no "¬"), _NEGATIVE ("pattern¬neg":
# the pattern and not the negative one) or _EVERY ("pattern¬*": every morphology
# matches); regexes are held as their compiled `search`, empty parts of a "¬" arc as None.
_PLAIN, _NEGATIVE, _EVERY = 0, 1, 2
_Arc = tuple[str, Any, int, Any, Any]
# id of an arc dict of the graph -> (the dict, kept alive so that its id stays its own,
# its arcs parsed): about 5,000 dicts, parsed the first time a token reaches them.
_parsed: dict[int, tuple[dict[str, Any], tuple[_Arc, ...]]] = {}
_grammalecte: Any = None  # grammalecte.fr.gc_engine, once installed
_phonet: Any = None  # grammalecte.fr.phonet


def _arcs(arcs: dict[str, Any], regex: bool, every: bool) -> tuple[_Arc, ...]:
    entry = _parsed.get(id(arcs))
    if entry is None:
        entry = _parsed[id(arcs)] = (
            arcs,
            tuple(_parse(a, t, regex, every) for a, t in arcs.items()),
        )
    return entry[1]


def _parse(arc: str, target: Any, regex: bool, every: bool) -> _Arc:
    def compiled(pattern: str) -> Any:
        return (re.compile(pattern).search if regex else pattern) if pattern else None

    if "¬" not in arc:
        return (arc, target, _PLAIN, re.compile(arc).search if regex else arc, None)
    pattern, negative = arc.split("¬", 1)
    if every and negative == "*":
        return (arc, target, _EVERY, compiled(pattern), None)
    return (arc, target, _NEGATIVE, compiled(pattern), compiled(negative))


def install() -> bool:
    """Put `get_matches` in place of Grammalecte's; False for another version."""
    global _grammalecte, _phonet
    from grammalecte.fr import gc_engine, phonet

    if getattr(gc_engine, "version", None) != VERSION:
        log.info("Grammalecte %s: its own _getMatches is kept", getattr(gc_engine, "version", "?"))
        return False
    _grammalecte, _phonet = gc_engine, phonet
    gc_engine.TextParser._getMatches = get_matches
    return True


def get_matches(
    self: Any,
    dGraph: dict[Any, Any],
    dToken: dict[str, Any],
    dNode: dict[str, Any],
    bKeep: bool = False,
) -> Iterator[tuple[str | None, str, Any]]:
    """(arc type, matched value, next node) for each arc of `dNode` that `dToken`
    matches, in Grammalecte's order; (None, "", -1) when none matches and `bKeep`."""
    found = False
    value = dToken["sValue"]
    # token value
    if value in dNode:
        yield (" ", value, dNode[value])
        found = True
    if value[0:2].istitle():  # the first 2 chars only: "Laissez-les", "Crève-cœur"
        lower = value.lower()
        if lower in dNode:
            yield (" ", lower, dNode[lower])
            found = True
    elif value.isupper():
        lower = value.lower()
        if lower in dNode:
            yield (" ", lower, dNode[lower])
            found = True
        capitalized = value.capitalize()
        if capitalized in dNode:
            yield (" ", capitalized, dNode[capitalized])
            found = True
    kind = dToken["sType"]
    # regex value arcs
    if kind not in _NO_VALUE_REGEX and "<re_value>" in dNode:
        for arc, target, how, search, negative in _arcs(dNode["<re_value>"], True, False):
            if how == _PLAIN:
                if not search(value):
                    continue
            elif (negative is not None and negative(value)) or (
                search is not None and not search(value)
            ):
                continue
            yield ("~", arc, target)
            found = True
    # analysable tokens
    if kind[0:4] == "WORD":
        spell = _grammalecte._oSpellChecker
        if "<lemmas>" in dNode:
            arcs = dNode["<lemmas>"]
            for lemma in spell.getLemma(value):
                if lemma in arcs:
                    yield (">", lemma, arcs[lemma])
                    found = True
        if "<phonet>" in dNode:
            for arc, target in dNode["<phonet>"].items():
                if arc.endswith("!"):
                    sound = arc[0:-1]
                    if value == sound:
                        continue
                    if value[0:1].isupper():
                        if value.lower() == sound:
                            continue
                        if value.isupper() and value.capitalize() == sound:
                            continue
                if _phonet.isSimilAs(value, arc.rstrip("!")):
                    yield ("#", arc, target)
                    found = True
        if "<morph>" in dNode or "<re_morph>" in dNode:
            morphs = dToken["lMorph"] if "lMorph" in dToken else spell.getMorph(value)
            # morph arcs: substrings of the morphologies
            if morphs and "<morph>" in dNode:
                for arc, target, how, pattern, negative in _arcs(dNode["<morph>"], False, True):
                    if how == _PLAIN:
                        if not any(pattern in m for m in morphs):
                            continue
                    elif how == _EVERY:
                        if pattern is None or not all(pattern in m for m in morphs):
                            continue
                    elif (negative is not None and any(negative in m for m in morphs)) or (
                        pattern is not None and not any(pattern in m for m in morphs)
                    ):
                        continue
                    yield ("$", arc, target)
                    found = True
            # regex morph arcs
            if morphs and "<re_morph>" in dNode:
                for arc, target, how, search, negative in _arcs(dNode["<re_morph>"], True, True):
                    if how == _PLAIN:
                        if not any(map(search, morphs)):
                            continue
                    elif how == _EVERY:
                        if search is None or not all(map(search, morphs)):
                            continue
                    elif (negative is not None and any(map(negative, morphs))) or (
                        search is not None and not any(map(search, morphs))
                    ):
                        continue
                    yield ("@", arc, target)
                    found = True
    # token tags
    if "aTags" in dToken and "<tags>" in dNode:
        arcs = dNode["<tags>"]
        for tag in dToken["aTags"]:
            if tag in arcs:
                yield ("/", tag, arcs[tag])
                found = True
    # meta arc (for token type)
    if "<meta>" in dNode:
        for meta, target in dNode["<meta>"].items():
            # no regex here: is the token's type the arc, or not among the excluded ones
            if meta == "*" or kind == meta or "¬" in meta and kind not in meta:
                yield ("*", meta, target)
                found = True
    if not found and bKeep:
        yield (None, "", -1)
    # jump
    if "<>" in dNode:
        yield from self._getMatches(dGraph, dToken, dGraph[dNode["<>"]], bKeep=True)
