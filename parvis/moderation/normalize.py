"""Text normalisation shared by the content checks.

The normalised text is lowercase ASCII-ish French: accents folded, leetspeak undone
("c0nn@rd" -> "connard"), letters separated by dots or spaces joined ("c.o.n" -> "con",
"c o n n a r d" -> "connard") and runs of 3+ identical characters cut to 2. Every
normalised character keeps the index of the original character it came from, so
evidence spans point into the text the author wrote.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


def _build_fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for cp in range(0x80, 0x250):
        ch = chr(cp)
        low = ch.lower()
        if len(low) != 1:
            continue
        base = unicodedata.normalize("NFD", low)[0]
        if base != low and base.isascii():
            table[cp] = base
        elif low != ch:
            table[cp] = low
    table.update({ord("œ"): "o", ord("Œ"): "o", ord("æ"): "a", ord("Æ"): "a", ord("ß"): "s"})
    # Typographic apostrophes and quotes: one form each.
    for q in "’ʼ`´":
        table[ord(q)] = "'"
    return table


_FOLD = _build_fold_table()
_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
_LEET_WEAK = {"!": "i", "|": "i"}
# A leet character counts when it touches a letter (or another leet character that does).
_LEET_RE = re.compile(r"(?<=[a-z])[013457@$]+|[013457@$]+(?=[a-z])")
_LEET_WEAK_RE = re.compile(r"(?<=[a-z])[!|](?=[a-z])|(?<![\w!|])[!|](?=[a-z]{2})")
# Single letters separated by punctuation ("c.o.n", "c-o-n-n-a-r-d") or, for four
# letters or more, by single spaces ("c o n n a r d").
_SPACED_PUNCT_RE = re.compile(r"(?<![a-z0-9])[a-z](?:[.\-_*~·+]+[a-z](?![a-z0-9])){2,}")
_SPACED_BLANK_RE = re.compile(r"(?<![a-z0-9'])[a-z](?: [a-z](?![a-z0-9'])){3,}")
_SEP_RE = re.compile(r"[^a-z]")
_RUN_RE = re.compile(r"(.)\1{2,}")
_WORD_RE = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True, slots=True)
class Normalized:
    text: str
    """The normalised text."""
    source: str
    """The original text."""
    offsets: tuple[int, ...] | None
    """Original index of each normalised character; None when they are the same."""

    def orig_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) span of the normalised text back to the original text."""
        if self.offsets is None:
            return start, end
        if start >= len(self.offsets):
            return len(self.source), len(self.source)
        return self.offsets[start], self.offsets[end - 1] + 1 if end > start else self.offsets[
            start
        ]

    def words(self) -> list[tuple[str, int, int]]:
        """Alphanumeric words of the normalised text with their normalised spans."""
        return [(m.group(), m.start(), m.end()) for m in _WORD_RE.finditer(self.text)]


def fold(text: str) -> str:
    """Lowercase and strip accents, one character for one character."""
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return low.translate(_FOLD)


def _unleet(text: str) -> str:
    if not any(c in text for c in "013457@$!|"):
        return text
    text = _LEET_RE.sub(lambda m: "".join(_LEET[c] for c in m.group()), text)
    return _LEET_WEAK_RE.sub(lambda m: _LEET_WEAK[m.group()], text)


def normalize(text: str) -> Normalized:
    folded = _unleet(fold(text))
    keep: list[bool] | None = None

    def drop(start: int, end: int) -> None:
        nonlocal keep
        if keep is None:
            keep = [True] * len(folded)
        for i in range(start, end):
            keep[i] = False

    for rx in (_SPACED_PUNCT_RE, _SPACED_BLANK_RE):
        for m in rx.finditer(folded):
            for s in _SEP_RE.finditer(m.group()):
                drop(m.start() + s.start(), m.start() + s.end())
    for m in _RUN_RE.finditer(folded):
        drop(m.start() + 2, m.end())
    if keep is None:
        return Normalized(folded, text, None)
    idx = tuple(i for i, k in enumerate(keep) if k)
    return Normalized("".join(folded[i] for i in idx), text, idx)


def skeleton(word: str) -> str:
    """A word with every run of a repeated letter cut to one: "connnard" -> "conard"."""
    return re.sub(r"(.)\1+", r"\1", word)
