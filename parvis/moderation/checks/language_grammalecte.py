"""Grammalecte in process, loaded once: the spell checker, the grammar engine with
the typographic options off, and an index that re-accents words typed without
accents ("deja" -> "déjà"), which the spell checker cannot do fast."""

from __future__ import annotations

import logging
import re
import threading
import time
import unicodedata
from collections.abc import Iterator
from typing import Any

log = logging.getLogger(__name__)

# Grammalecte option groups that are about typography, style or layout, not about
# French: the charter ignores them (DESIGN §3).
IGNORED_OPTIONS = (
    ("typo", "apos", "eepi", "esp", "tab", "nbsp", "unit", "maj", "minis", "num", "nf")
    + ("virg", "poncfin", "liga", "mapos", "chim", "ocr", "bs", "pleo", "eleu", "neg")
    + ("redon1", "redon2", "date", "mc", "idrule", "html", "latex", "md")
)
IGNORED_TYPES = frozenset(IGNORED_OPTIONS)

CACHE_SIZE = 50_000  # words remembered (valid or not, words one edit away)
STORAGE_RESET_EVERY = 20_000  # comments
MAX_WORD_FOR_EDITS = 25  # edits of a longer "word" cost much and find nothing
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
        self._spell = self._checker.getSpellChecker()
        self._tokenizer = self._spell.getTokenizer()
        self._accents = self._accent_index()
        # Words repeat from comment to comment (Zipf): remember the answers.
        self._valid: dict[str, bool] = {}
        self._near: dict[str, tuple[str, ...]] = {}
        self._parsed = 0
        log.info("Grammalecte loaded in %.1f s", time.perf_counter() - started)

    def _accent_index(self) -> dict[str, tuple[str, ...]]:
        index: dict[str, list[str]] = {}
        for flexion, _lemma, _morph in self._spell.select():
            bare = strip_accents(flexion)
            if bare != flexion and flexion.islower():
                forms = index.setdefault(bare, [])
                if flexion not in forms and len(forms) < 4:
                    forms.append(flexion)
        return {k: tuple(v) for k, v in index.items()}

    def tokens(self, text: str) -> Iterator[dict[str, Any]]:
        return self._tokenizer.genTokens(text)  # type: ignore[no-any-return]

    def grammar_errors(self, text: str) -> list[dict[str, Any]]:
        self._parsed += 1
        if self._parsed % STORAGE_RESET_EVERY == 0:
            self._spell.clearStorage()  # Grammalecte's own word cache grows without bound
        return list(self._engine.parse(text, "FR"))

    def morph(self, word: str) -> list[str]:
        return list(self._spell.getMorph(word))

    def is_valid(self, word: str) -> bool:
        valid = self._valid.get(word)
        if valid is None:
            if len(self._valid) >= CACHE_SIZE:
                self._valid.clear()
            valid = self._valid[word] = bool(self._spell.isValidToken(word))
        return valid

    def accented(self, lower: str) -> tuple[str, ...]:
        """Valid words that differ from `lower` by accents only."""
        return self._accents.get(strip_accents(lower), ())

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
            if len(self._near) >= CACHE_SIZE:
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
