"""The reviewed lexicon of insults, slurs, identity terms and hate tropes.

`get_lexicon()` loads `data/lexicon.json` once and finds its terms in a normalised text.
The file is built by `make model` (`parvis_train/lexicon.py`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from parvis.moderation.normalize import Normalized, skeleton

LEXICON_FILE = "lexicon.json"

# Categories: how a term counts. `insult` is thrown at someone on its own; `insult_weak`
# only when addressed ("espèce de", "t'es", "bande de"); `profanity` is vulgar but not
# aimed; `slur` / `slur_weak` are group insults (the `legal` rule); `dehuman` are the
# words that dehumanise a group; `group` names a protected group; `trope` is a hate or
# conspiracy formula.


@dataclass(frozen=True, slots=True)
class Hit:
    start: int  # in the normalised text
    end: int
    key: str
    category: str


class Lexicon:
    def __init__(self, categories: dict[str, str]) -> None:
        self.categories = categories
        # first word -> the word counts of the terms starting with it, longest first
        starts: dict[str, set[int]] = {}
        for k in categories:
            parts = k.split(" ")
            starts.setdefault(parts[0], set()).add(len(parts))
        self._starts = {w: sorted(n, reverse=True) for w, n in starts.items()}
        # Long strong terms are also found inside words ("salenegre", "tesunconnard").
        self._glued = {
            k.replace(" ", ""): k
            for k, c in categories.items()
            if c in {"insult", "slur"} and len(k.replace(" ", "")) >= 6
        }
        self._masked_forms = [k for k, c in categories.items() if c != "group" and " " not in k]
        # Prefixes and suffixes of single-word keys: a pair of words is only joined when
        # it can make a key, which saves the work on almost every pair.
        solid = [k for k in (*categories, *self._glued) if " " not in k]
        self._heads = {k[:j] for k in solid for j in range(1, len(k))}
        self._tails = {k[j:] for k in solid for j in range(1, len(k))}
        self._glued_cache: dict[str, str | None] = {}

    def find(self, norm: Normalized, words: list[tuple[str, int, int]] | None = None) -> list[Hit]:
        words = norm.words() if words is None else words
        skel = [_skeleton(w) for w, _, _ in words]
        hits: list[Hit] = []
        cats = self.categories
        starts = self._starts
        i, n = 0, len(words)
        while i < n:
            w = skel[i]
            nxt = skel[i + 1] if i + 1 < n else ""
            if nxt and w in self._heads and (nxt in self._tails or nxt[1:] in self._tails):
                # a word cut in two: "con nard", "mus ulmans"
                joined = _skeleton(w + nxt)
                short = min(len(w), len(skel[i + 1])) <= 2 and not {w, skel[i + 1]} & _STOP
                ok = len(joined) >= 5 or (short and len(joined) >= 4)
                key = self._glued.get(joined) or (joined if ok and joined in cats else None)
                if key is not None and w not in cats and skel[i + 1] not in cats:
                    hits.append(Hit(words[i][1], words[i + 1][2], key, cats[key]))
                    i += 2
                    continue
            found = False
            for size in starts.get(w, ()):
                if i + size > n:
                    continue
                key = w if size == 1 else " ".join(skel[i : i + size])
                cat = cats.get(key)
                if cat is not None:
                    hits.append(Hit(words[i][1], words[i + size - 1][2], key, cat))
                    i += size
                    found = True
                    break
            if found:
                continue
            if len(w) >= 6 and w not in cats:
                key = self._glued_cache.get(w, "")
                if key == "":
                    if len(self._glued_cache) > 20_000:
                        self._glued_cache.clear()
                    key = self._glued_cache[w] = self._glued_in(w)
                if key is not None:
                    hits.append(Hit(words[i][1], words[i][2], key, cats[key]))
            i += 1
        if "*" in norm.text:
            hits.extend(self._masked(norm))
        return hits

    def _glued_in(self, word: str) -> str | None:
        """A term glued to a small word ("desrats", "lesmusulmans") or inside a long one."""
        for prefix in _GLUE_PREFIXES:
            if word.startswith(prefix) and word[len(prefix) :] in self.categories:
                return word[len(prefix) :]
        if len(word) < 8:
            return None
        glued = self._glued
        for i in range(len(word) - 5):
            for size in range(min(14, len(word) - i), 5, -1):
                key = glued.get(word[i : i + size])
                if key is not None:
                    return key
        return None

    def _masked(self, norm: Normalized) -> list[Hit]:
        """Words censored with asterisks: "p*d", "c*nnard", "enc**é"."""
        out: list[Hit] = []
        for m in re.finditer(r"[a-z]*\*+[a-z]*", norm.text):
            w = m.group()
            letters = w.replace("*", "")
            if len(letters) < 1 or len(w) < 3:
                continue
            rx = re.compile(skeleton(w).replace("*", "[a-z]{0,3}") + "$")
            for form in self._masked_forms:
                if rx.match(form):
                    out.append(Hit(m.start(), m.end(), form, self.categories[form]))
                    break
        return out


_SMALL_WORDS = "a y en le la de un et il on ne se ce je tu me te du au ou sa ma ta es est l d s"
_STOP = set(_SMALL_WORDS.split())
_GLUE_PREFIXES = (
    "les",
    "des",
    "ces",
    "sales",
    "sale",
    "aux",
    "tous",
    "une",
    "un",
    "de",
    "du",
    "le",
    "la",
)


@lru_cache(maxsize=16384)
def _skeleton(word: str) -> str:
    return skeleton(word)


def lexicon_path() -> Path:
    return Path(str(resources.files("parvis.moderation").joinpath("data", LEXICON_FILE)))


@lru_cache(maxsize=1)
def get_lexicon() -> Lexicon:
    return Lexicon(json.loads(lexicon_path().read_text("utf-8")))
