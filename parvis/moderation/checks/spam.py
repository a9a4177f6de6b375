"""The `spam` rule: advertising, flooding and repeated messages.

Each signal gives a score in [0, 1], combined as independent evidence
(1 - Π(1 - s)): a link alone stays low, a promotion with a phone number does not.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from parvis.domain.verdict import CheckContext, CheckResult, Evidence

_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"«»]+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|fr|io|ly|gl|co"
    r"|me|info|biz|xyz|shop|store|site|online|ru|cn|tk)(?:/[^\s<>\"«»]*)?",
    re.IGNORECASE,
)
_SHORTENERS = frozenset(
    ("bit.ly", "tinyurl.com", "t.co", "goo.gl", "ow.ly", "is.gd", "buff.ly", "cutt.ly")
    + ("rebrand.ly", "shorturl.at", "tiny.cc", "bl.ink", "t.ly", "rb.gy", "s.id", "lnkd.in")
)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_PHONE = re.compile(r"(?<![\d,.])(?:\+\d{2}\s?|0)\d(?:[\s.-]?\d{2}){4}(?![\d,])")
_PROMO = re.compile(
    r"\b(?:gagne[rz]?|gratuite?s?|promo(?:tion)?s?|r[ée]duction|code promo|-\d{2} ?%|"
    r"cliquez|cliquer ici|offre (?:exclusive|limit[ée]e|sp[ée]ciale)|achetez|commandez|"
    r"livraison offerte|argent facile|gagner de l'argent|travail (?:à|a) domicile|"
    r"casino|crypto|bitcoin|viagra|rencontres? (?:coquines?|sexy)|inscrivez-vous|"
    r"abonnez-vous|suivez-moi|mon (?:site|blog|profil)|whatsapp|telegram)\b",
    re.IGNORECASE,
)
_REPEATED_CHAR = re.compile(r"(\S)\1{5,}")
_WORD = re.compile(r"\w+", re.UNICODE)
_SHOUT = re.compile(r"\b[A-ZÀ-ÖØ-Þ]{2,}(?:[\s,!?.'’-]+[A-ZÀ-ÖØ-Þ]{2,})+\b")

FLOOD_PER_HOUR = 10  # comments by one client in an hour from which the rate counts
DUPLICATE_SIMILARITY = 0.8


@dataclass(frozen=True, slots=True)
class _Signal:
    score: float
    evidence: tuple[Evidence, ...] = ()


class SpamCheck:
    name = "spam"

    def check(self, text: str, context: CheckContext) -> CheckResult:
        signals = [
            _links(text),
            _contacts(text),
            _promo(text),
            _shouting(text),
            _repetition(text),
            _duplicate(text, context.recent_texts),
            _rate(context.author_recent_count),
        ]
        remaining = 1.0
        for s in signals:
            remaining *= 1.0 - s.score
        score = 1.0 - remaining
        if score <= 0:
            return CheckResult(0.0)
        evidence = tuple(e for s in signals for e in s.evidence)
        return CheckResult(round(score, 4), evidence)


def _span(text: str, m: re.Match[str], note: str) -> Evidence:
    return Evidence(m.start(), m.end(), m.group(), note)


def _links(text: str) -> _Signal:
    emails = [m.span() for m in _EMAIL.finditer(text)]
    found = [
        m
        for m in _URL.finditer(text)
        if not any(s <= m.start() < e for s, e in emails) and not _EMAIL.search(m.group())
    ]
    if not found:
        return _Signal(0.0)
    evidence = []
    shortened = 0
    for m in found:
        host = re.sub(r"^(?:https?://)?(?:www\.)?", "", m.group().lower()).split("/")[0]
        if host in _SHORTENERS:
            shortened += 1
            evidence.append(_span(text, m, "Lien raccourci"))
        else:
            evidence.append(_span(text, m, "Lien"))
    score = {1: 0.3, 2: 0.55}.get(len(found), 0.8)
    if shortened:
        score = max(score, 0.7)
    words = max(len(_WORD.findall(text)), 1)
    if len(found) / words > 0.2:  # a comment that is mostly links
        score = max(score, 0.75)
    return _Signal(score, tuple(evidence))


def _contacts(text: str) -> _Signal:
    evidence = [_span(text, m, "Numéro de téléphone") for m in _PHONE.finditer(text)]
    evidence += [_span(text, m, "Adresse électronique") for m in _EMAIL.finditer(text)]
    return _Signal(0.5 if evidence else 0.0, tuple(evidence))


def _promo(text: str) -> _Signal:
    found = list(_PROMO.finditer(text))
    if not found:
        return _Signal(0.0)
    evidence = tuple(_span(text, m, "Formule publicitaire") for m in found)
    return _Signal(min(0.7, 0.25 + 0.15 * (len(found) - 1)), evidence)


def _shouting(text: str) -> _Signal:
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 20:
        return _Signal(0.0)
    share = sum(c.isupper() for c in letters) / len(letters)
    if share < 0.5:
        return _Signal(0.0)
    evidence = tuple(_span(text, m, "Texte en majuscules") for m in _SHOUT.finditer(text))
    return _Signal(0.3 + 0.5 * (share - 0.5) / 0.5, evidence)


def _repetition(text: str) -> _Signal:
    evidence = [_span(text, m, "Caractère répété") for m in _REPEATED_CHAR.finditer(text)]
    words = [w.lower() for w in _WORD.findall(text)]
    score = 0.3 if evidence else 0.0
    if len(words) >= 8:
        distinct = len(set(words)) / len(words)
        if distinct < 0.35:
            score = max(score, 0.9)
        elif distinct < 0.5:
            score = max(score, 0.6)
    run = _longest_word_run(words)
    if run >= 4:
        score = max(score, min(1.0, 0.3 + 0.1 * run))
    return _Signal(score, tuple(evidence))


def _longest_word_run(words: list[str]) -> int:
    best = current = 1 if words else 0
    for a, b in zip(words, words[1:], strict=False):
        current = current + 1 if a == b else 1
        best = max(best, current)
    return best


def _duplicate(text: str, recent: tuple[str, ...]) -> _Signal:
    if not recent:
        return _Signal(0.0)
    if len(normalise(text).split()) < 5:  # "Bravo !" twice is not a copy
        return _Signal(0.0)
    mine = shingles(text)
    best = max((_jaccard(mine, shingles(other)) for other in recent), default=0.0)
    if best < DUPLICATE_SIMILARITY * 0.75:
        return _Signal(0.0)
    note = "Copie d'un commentaire récent"
    score = 0.95 if best >= DUPLICATE_SIMILARITY else 0.5
    return _Signal(score, (Evidence(0, len(text), text, note),))


def _rate(count: int) -> _Signal:
    if count < FLOOD_PER_HOUR:
        return _Signal(0.0)
    return _Signal(min(1.0, 0.5 + 0.05 * (count - FLOOD_PER_HOUR)))


def normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_WORD.findall(bare))


@functools.lru_cache(maxsize=256)  # a thread's recent comments come back check after check
def shingles(text: str, size: int = 3) -> frozenset[tuple[str, ...]]:
    words = normalise(text).split()
    if len(words) < size:
        return frozenset((tuple(words),)) if words else frozenset()
    return frozenset(tuple(words[i : i + size]) for i in range(len(words) - size + 1))


def _jaccard(a: frozenset[tuple[str, ...]], b: frozenset[tuple[str, ...]]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)
