"""Grammalecte in process, loaded once: the spell checker, the grammar engine with
the typographic options off, and a search that re-accents words typed without
accents ("deja" -> "déjà"), which the spell checker cannot do fast.

Memory (docs/performance.md, "Memory"): the dictionary graph is held as an array of
machine integers rather than a list of Python ints, and words are re-accented by
walking that graph rather than from an index of every accented word.
"""

from __future__ import annotations

import logging
import re
import threading
import time
import unicodedata
from array import array
from collections.abc import Iterator
from typing import Any

from parvis.moderation.checks import language_speedups

log = logging.getLogger(__name__)

# Grammalecte option groups that are about typography, style or layout, not about
# French: the charter ignores them (DESIGN §3).
IGNORED_OPTIONS = (
    ("typo", "apos", "eepi", "esp", "tab", "nbsp", "unit", "maj", "minis", "num", "nf")
    + ("virg", "poncfin", "liga", "mapos", "chim", "ocr", "bs", "pleo", "eleu", "neg")
    + ("redon1", "redon2", "date", "mc", "idrule", "html", "latex", "md")
)
IGNORED_TYPES = frozenset(IGNORED_OPTIONS)

# Caches are bounded by memory as much as by use: a remembered word costs 100 to 300
# bytes, and a web process runs for weeks.
VALID_CACHE = 20_000  # words known valid or not: the 20,000 likeliest cover most tokens
RARE_CACHE = 5_000  # unknown words: their neighbours, their accented forms
STORAGE_WORDS = 10_000  # Grammalecte's own cache of morphologies (600 bytes a word)
MAX_WORD_FOR_EDITS = 25  # edits of a longer "word" cost much and find nothing
MAX_ACCENTED = 4  # re-accented forms of a word kept as suggestions
_ALPHABET = "eaisnrtoludcmpévgfbhqàxèyjêzkçwôâîûùïëüœ"  # by frequency
_lock = threading.Lock()
_instance: French | None = None
lock = threading.RLock()  # held while checking: Grammalecte keeps module-level state


class French:
    def __init__(self) -> None:
        import grammalecte

        started = time.perf_counter()
        self._checker = grammalecte.GrammarChecker("fr")
        self._engine = self._checker.getGCEngine()
        self._engine.setOptions({opt: False for opt in IGNORED_OPTIONS})
        _keep_regexes_compiled()
        language_speedups.install()  # a faster graph matcher, same matches
        self._spell = self._checker.getSpellChecker()
        self._tokenizer = self._spell.getTokenizer()
        self._graph = _compact_graph(self._spell.oMainDic)
        # Words repeat from comment to comment (Zipf): remember the answers.
        self._valid: dict[str, bool] = {}
        self._near: dict[str, tuple[str, ...]] = {}
        self._accented: dict[str, tuple[str, ...]] = {}
        log.info("Grammalecte loaded in %.1f s", time.perf_counter() - started)

    def tokens(self, text: str) -> Iterator[dict[str, Any]]:
        return self._tokenizer.genTokens(text)  # type: ignore[no-any-return]

    def grammar_errors(self, text: str) -> list[dict[str, Any]]:
        if len(getattr(self._spell, "_dMorphologies", ())) > STORAGE_WORDS:
            self._spell.clearStorage()  # Grammalecte's own word cache grows without bound
        return list(self._engine.parse(text, "FR"))

    def morph(self, word: str) -> list[str]:
        return list(self._spell.getMorph(word))

    def is_valid(self, word: str) -> bool:
        valid = self._valid.get(word)
        if valid is None:
            if len(self._valid) >= VALID_CACHE:
                self._valid.clear()
            valid = self._valid[word] = bool(self._spell.isValidToken(word))
        return valid

    def accented(self, lower: str) -> tuple[str, ...]:
        """Valid lowercase words that differ from `lower` by accents only (at most
        four, in the dictionary's order)."""
        bare = strip_accents(lower)
        forms = self._accented.get(bare)
        if forms is None:
            if len(self._accented) >= RARE_CACHE:
                self._accented.clear()
            forms = self._accented[bare] = self._graph.accented(bare)
        return forms

    def transposed(self, word: str) -> tuple[str, ...]:
        """Valid words with two neighbouring letters swapped back ("juors" -> "jours")."""
        lower = word.lower()
        lookup = self._spell.oMainDic.lookup
        swaps = (
            lower[:i] + lower[i + 1] + lower[i] + lower[i + 2 :] for i in range(len(lower) - 1)
        )
        return tuple(dict.fromkeys(w for w in swaps if w != lower and lookup(w)))

    def near_words(self, word: str) -> tuple[str, ...]:
        near = self._near.get(word)
        if near is None:
            if len(self._near) >= RARE_CACHE:
                self._near.clear()
            near = self._near[word] = self._near_words(word)
        return near

    def _near_words(self, word: str, enough: int = 3) -> tuple[str, ...]:
        """Valid words one edit away (Norvig), likeliest edits first, stopping at
        `enough`: cheap next to Grammalecte's own suggester (10 to 50 ms a word)."""
        lower = word.lower()
        if len(lower) > MAX_WORD_FOR_EDITS:
            return ()
        splits = [(lower[:i], lower[i:]) for i in range(len(lower) + 1)]
        lookup = self._spell.oMainDic.lookup
        found: dict[str, None] = {}
        for candidates in (
            (a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1),
            (a + b[1:] for a, b in splits if b),
            (a + c + b[1:] for a, b in splits if b for c in _ALPHABET),
            (a + c + b for a, b in splits for c in _ALPHABET),
        ):
            for candidate in candidates:
                if candidate != lower and len(candidate) > 1 and lookup(candidate):
                    found[candidate] = None
                    if len(found) >= enough:
                        return tuple(found)
        return tuple(found)


class _Graph:
    """Grammalecte's word graph (IBDAWG): a flat sequence of (arc value, next node
    address) pairs, a node's arcs ending with the one flagged `last`; arc values up to
    `nChar` are letters, the others stems and tags."""

    def __init__(self, dic: Any) -> None:
        self._arcs = dic.lByDic
        self._value = dic._arcMask
        self._last = dic._lastArcMask
        self._n_chars = dic.nChar
        self._chars: list[str] = list(dic.lArcVal[: dic.nChar + 1])
        self._bare = [strip_accents(c) for c in self._chars]

    def accented(self, bare: str) -> tuple[str, ...]:
        """The lowercase words that `strip_accents` turns into `bare`, other than `bare`,
        in the order of Grammalecte's `select()` (depth first, arcs in order)."""
        arcs, value, last, n_chars = self._arcs, self._value, self._last, self._n_chars
        chars, stripped = self._chars, self._bare
        end = len(bare)
        found: list[str] = []

        def walk(addr: int, pos: int, word: str) -> bool:  # True once enough are found
            while True:
                raw = arcs[addr]
                val = raw & value
                if val <= n_chars:
                    part = stripped[val]
                    if bare.startswith(part, pos) and walk(
                        arcs[addr + 1], pos + len(part), word + chars[val]
                    ):
                        return True
                elif pos == end and word != bare and word not in found and word.islower():
                    found.append(word)  # a stem arc: `word` is a whole word
                    if len(found) >= MAX_ACCENTED:
                        return True
                if raw & last:
                    return False
                addr += 2

        walk(0, 0, "")
        return tuple(found)


def _compact_graph(dic: Any) -> _Graph:
    """Hold the graph as 32-bit integers (2.2 MB) instead of a list of Python ints
    (17.9 MB): Grammalecte only indexes it."""
    # A dictionary too big for 32-bit addresses would keep its list.
    if isinstance(dic.lByDic, list) and max(dic.lByDic, default=0) < 1 << 32:
        dic.lByDic = array("I", dic.lByDic)
    return _Graph(dic)


class _CompiledRe:
    """Grammalecte calls `re.search(pattern, ...)` with more distinct patterns than the
    `re` module caches (512), so it recompiled them on every comment (a fifth of its
    time). This stand-in for its `re` keeps every compiled pattern."""

    def __init__(self) -> None:
        self._patterns: dict[tuple[Any, int], re.Pattern[str]] = {}

    def compile(self, pattern: Any, flags: int = 0) -> re.Pattern[str]:
        key = (pattern, flags)
        compiled = self._patterns.get(key)
        if compiled is None:
            compiled = self._patterns[key] = re.compile(pattern, flags)
        return compiled

    def search(self, pattern: Any, string: str, flags: int = 0) -> re.Match[str] | None:
        return self.compile(pattern, flags).search(string)

    def match(self, pattern: Any, string: str, flags: int = 0) -> re.Match[str] | None:
        return self.compile(pattern, flags).match(string)

    def finditer(self, pattern: Any, string: str, flags: int = 0) -> Iterator[re.Match[str]]:
        return self.compile(pattern, flags).finditer(string)

    def __getattr__(self, name: str) -> Any:
        return getattr(re, name)


def _keep_regexes_compiled() -> None:
    from grammalecte.fr import gc_engine, gc_functions

    shim = _CompiledRe()
    gc_engine.re = shim
    gc_functions.re = shim


def checker() -> French:
    global _instance
    if _instance is None:
        with _lock:
            if _instance is None:
                _instance = French()
    return _instance


def strip_accents(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word.replace("œ", "oe").replace("æ", "ae"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))
