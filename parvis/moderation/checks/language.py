"""The `language` rule: is the comment written in good French?

Grammalecte (in process) finds spelling and grammar mistakes; Parvis decides which
of them count. Typography is never a mistake here (DESIGN §3), so the typographic
options are switched off and their types filtered. Proper nouns, the article's
own words, acronyms, links and quoted foreign passages are tolerated. The score
grows with the number and the density of the mistakes that remain, so that one
slip in a long comment stays under the usual review threshold of 0.5.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from parvis.domain.verdict import CheckContext, CheckResult, Evidence
from parvis.moderation.checks import language_grammalecte as french
from parvis.moderation.checks import language_homophones as homophones
from parvis.moderation.checks.language_identifier import LanguageIdentifier

log = logging.getLogger(__name__)

LANGUAGES = ("fr", "en", "es", "it", "de", "pt", "nl")
MIN_LETTERS_FOR_LANGUAGE = 25
FOREIGN_CONFIDENCE = 0.9
MIN_UNKNOWN_SHARE = 0.2  # below this share of unknown words, the text is taken as French
MAX_CHECKED_UNKNOWN = 6  # edit-distance look-ups per comment are bounded

_QUOTE = re.compile(r"«[^«»]{2,}?»|“[^“”]{2,}?”|\"[^\"]{2,}?\"|‘[^‘’]{4,}?’")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_URLISH = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+|[@#]\w+", re.IGNORECASE)

_ROMAN = re.compile(r"[ivxlcdm]+")
_FRENCH_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzàâäçéèêëîïôöùûüÿœæ")
# English words that French never has, for English names and titles inside French.
_ENGLISH = frozenset(
    ("the", "of", "and", "to", "in", "for", "with", "on", "at", "by", "from", "is", "are")
    + ("was", "be", "it", "its", "this", "that", "you", "your", "my", "our", "we")
    + ("they", "he", "she", "his", "her", "not", "or", "but", "so", "all", "out", "up")
    + ("what", "who", "how", "when", "where", "why", "end", "new", "one", "two", "life")
    + ("love", "live", "world", "story", "best", "great", "good", "day", "night", "man", "time")
)
_ABBREVIATIONS = frozenset(
    ("etc", "cf", "env", "resp", "svp", "stp", "ex", "cad", "càd", "ps", "nb", "pdt", "vs")
    + ("mme", "mmes", "mlle", "mlles", "mr", "mm", "dr", "pr", "st", "ste", "av", "apr", "jc")
    + ("ok",)
)


@dataclass(frozen=True, slots=True)
class _Mistake:
    start: int
    end: int
    note: str
    suggestions: tuple[str, ...]
    weight: float
    grammar: bool = False


class LanguageCheck:
    name = "language"

    def load(self) -> None:
        """Grammalecte and the language identifier, loaded now rather than when the
        first comment needs them."""
        french.checker()
        _identifier()

    def check(self, text: str, context: CheckContext) -> CheckResult:
        if not text.strip():
            return CheckResult(0.0)
        quotes = [(m.start(), m.end()) for m in _QUOTE.finditer(text)]
        with french.lock:  # Grammalecte keeps module-level state
            gc = french.checker()
            tokens = list(gc.tokens(text))
            foreign = _foreign_language(text, quotes, tokens, gc)
            if foreign is None:
                mistakes, words = _find_mistakes(text, tokens, quotes, context)
        if foreign is not None:
            lang, prob = foreign
            note = f"Commentaire qui n'est pas en français ({lang})"
            return CheckResult(round(prob, 4), (Evidence(0, len(text), text, note),))
        score = score_mistakes(mistakes, words)
        evidence = tuple(
            Evidence(m.start, m.end, text[m.start : m.end], m.note, m.suggestions) for m in mistakes
        )
        return CheckResult(score, evidence)


def score_mistakes(mistakes: list[_Mistake], words: int) -> float:
    weight = _clustered_weight(mistakes)
    if weight <= 0:
        return 0.0
    density = weight / max(words, 1)
    if weight < 2:
        return round(min(0.45, 0.3 * weight + density), 4)
    return round(min(1.0, 0.5 + 0.06 * (weight - 2) + 2.5 * density), 4)


def _clustered_weight(mistakes: list[_Mistake]) -> float:
    """Overlapping mistakes, and grammar errors side by side (`il sont`: Grammalecte
    marks the subject and the verb), count once."""
    total, last_end, current, last_grammar = 0.0, -10, 0.0, False
    for m in sorted(mistakes, key=lambda m: m.start):
        if m.start < last_end or (m.grammar and last_grammar and m.start <= last_end + 1):
            current = max(current, m.weight)
        else:
            total += current
            current = m.weight
        last_end, last_grammar = max(last_end, m.end), m.grammar
    return total + current


def _foreign_language(
    text: str, quotes: list[tuple[int, int]], tokens: list[dict[str, Any]], gc: french.French
) -> tuple[str, float] | None:
    """The comment's language when it is surely not French (quotations left out)."""
    own = _URLISH.sub(" ", _without(text, quotes))
    if len(_LETTER.findall(own)) < MIN_LETTERS_FOR_LANGUAGE:
        return None
    words = [
        t["sValue"]
        for t in tokens
        if t["sType"] == "WORD" and not any(s <= t["nStart"] < e for s, e in quotes)
    ]
    unknown = sum(1 for w in words if not gc.is_valid(w))
    if unknown < MIN_UNKNOWN_SHARE * len(words):
        return None  # French words, French text: spare the language identifier
    lang, prob = _identifier().classify(own)
    if lang != "fr" and prob >= FOREIGN_CONFIDENCE:
        return str(lang), float(prob)
    return None


def _without(text: str, spans: list[tuple[int, int]]) -> str:
    parts, pos = [], 0
    for start, end in spans:
        parts.append(text[pos:start])
        pos = end
    parts.append(text[pos:])
    return " ".join(parts)


def _find_mistakes(
    text: str,
    all_tokens: list[dict[str, Any]],
    quotes: list[tuple[int, int]],
    context: CheckContext,
) -> tuple[list[_Mistake], int]:
    gc = french.checker()
    known = _context_words(context.title, context.article_text)
    tokens = [t for t in all_tokens if t["sType"].startswith("WORD")]
    foreign_quotes = [q for q in quotes if _is_foreign_quote(text, q, gc)]

    def tolerated(start: int, end: int) -> bool:
        return any(s <= start and end <= e for s, e in foreign_quotes)

    mistakes = _spelling_mistakes(text, tokens, known, tolerated)
    spelled = {(m.start, m.end) for m in mistakes}
    for err in gc.grammar_errors(text):
        start, end = err["nStart"], err["nEnd"]
        if err["sType"] in french.IGNORED_TYPES or tolerated(start, end):
            continue
        if (start, end) in spelled or _touches_proper_noun(text, start, end, known, gc):
            continue
        # A missing or extra hyphen ("au dessus") is a lesser fault than a misspelling.
        weight = 0.5 if err["sType"] == "tu" else 1.0
        suggestions = tuple(err.get("aSuggestions", ())[:5])
        mistakes.append(_Mistake(start, end, err["sMessage"], suggestions, weight, True))
    taken = [(m.start, m.end) for m in mistakes]
    for start, end, note, suggestion in homophones.slips(all_tokens, gc.morph):
        if not tolerated(start, end) and not any(s < end and start < e for s, e in taken):
            mistakes.append(_Mistake(start, end, note, (suggestion,), 1.0, True))
    return sorted(mistakes, key=lambda m: (m.start, m.end)), len(tokens)


def _spelling_mistakes(
    text: str, tokens: list[dict[str, Any]], known: frozenset[str], tolerated: Any
) -> list[_Mistake]:
    gc = french.checker()
    unknown: list[tuple[dict[str, Any], str, tuple[str, ...]]] = []
    for tok in tokens:
        word: str = tok["sValue"]
        if tok["sType"] != "WORD" or gc.is_valid(word) or tolerated(tok["nStart"], tok["nEnd"]):
            continue
        # Capitals keep their accents after a determiner: "le President" is a slip.
        initial = _starts_sentence(text, tok["nStart"]) or _after_determiner(text, tok["nStart"])
        kind, suggestions = _classify_unknown(word, initial, known, gc)
        unknown.append((tok, kind, suggestions))

    mistakes: list[_Mistake] = []
    checked = 0
    seen: set[str] = set()
    for tok, kind, suggestions, foreign in _mark_foreign(unknown, gc):
        if foreign or kind in ("ok", "english"):
            continue
        repeated = tok["sValue"].lower() in seen  # the same word again: one cause
        seen.add(tok["sValue"].lower())
        start, end, word = tok["nStart"], tok["nEnd"], tok["sValue"]
        if kind == "accent":
            note = "Accent manquant ou erroné."
            mistakes.append(_Mistake(start, end, note, suggestions, 0.0 if repeated else 1.0))
            continue
        note = f"Mot inconnu : « {word} »."
        if suggestions:  # letters swapped
            mistakes.append(_Mistake(start, end, note, suggestions, 0.0 if repeated else 1.0))
            continue
        checked += 1
        near = gc.near_words(word) if checked <= MAX_CHECKED_UNKNOWN else ()
        # Letters swapped or accents dropped are sure slips; another word one edit away
        # is likely one; nothing near is jargon or a loanword as often as a typo.
        weight = 0.0 if repeated else 0.75 if near else 0.5
        mistakes.append(_Mistake(start, end, note, near[:5], weight))
    return mistakes


_Unknown = tuple[dict[str, Any], str, tuple[str, ...]]


def _mark_foreign(
    unknown: list[_Unknown], gc: french.French
) -> Iterator[tuple[dict[str, Any], str, tuple[str, ...], bool]]:
    """Unknown words in a row that accents or a swap of letters mostly do not repair are
    a foreign phrase or a name ("calls the doctor", "Gazzetta dello Sport"), not typos;
    a typo next to a name ("le Croatia Airlines rejiont") is still a typo."""
    i = 0
    while i < len(unknown):
        j = i + 1
        while j < len(unknown) and unknown[j][0]["i"] == unknown[j - 1][0]["i"] + 1:
            j += 1
        run = [
            (tok, kind, gc.transposed(tok["sValue"]) if kind == "typo" else suggestions)
            for tok, kind, suggestions in unknown[i:j]
        ]
        sure = sum(1 for _, kind, sugg in run if kind == "accent" or (kind == "typo" and sugg))
        unsure = [
            n
            for n, (_, kind, sugg) in enumerate(run)
            if kind == "english" or (kind == "typo" and not sugg)
        ]
        english = any(kind == "english" for _, kind, _ in run)
        mostly_unknown = len(run) >= 2 and (sure * 2 < len(run) or english)
        for n, (tok, kind, suggestions) in enumerate(run):
            if not mostly_unknown or (kind == "typo" and suggestions):
                foreign = False
            elif kind == "typo":
                foreign = len(unsure) >= 2 or 0 < n < len(run) - 1
            else:
                foreign = len(unsure) >= 2 or english
            yield tok, kind, suggestions, foreign
        i = j


def _classify_unknown(
    word: str, initial: bool, known: frozenset[str], gc: french.French
) -> tuple[str, tuple[str, ...]]:
    """Whether an unknown word is "ok" (tolerated), an "accent" slip or a "typo"."""
    lower = word.lower()
    if lower in known or not _is_plain_word(word) or _ROMAN.fullmatch(lower):
        return "ok", ()
    if lower in _ENGLISH:
        return "english", ()
    if any(part[:1].isupper() for part in word.split("-")[1:]) or not _FRENCH_LETTERS.issuperset(
        lower.replace("-", "").replace("'", "").replace("’", "")
    ):
        return "ok", ()  # "el-Kadhafi", "judeţ"
    if len(word) > 1 and word.isupper():
        return "ok", ()  # acronym
    # "soeur" for "sœur" is how keyboards type it: not a mistake.
    accented = gc.accented(lower)
    if any(a.replace("œ", "oe").replace("æ", "ae") == lower for a in accented):
        return "ok", ()
    if accented and (initial or not word[0].isupper()):
        if word[0].isupper():
            # "Etat", "Ecole": French capitals often go without their accent.
            accented = tuple(a[0].upper() + a[1:] for a in accented if a[1:] != lower[1:])
            if not accented:
                return "ok", ()
        return "accent", accented
    if word[0].isupper() or lower.rstrip(".") in _ABBREVIATIONS:
        return "ok", ()  # a proper noun the dictionary does not know
    return "typo", ()


_DETERMINER_BEFORE = re.compile(r"(?:^|\s)(?:le|la|les|l['’]|un|une|du|des|au|aux)\s*$", re.I)


def _after_determiner(text: str, start: int) -> bool:
    return bool(_DETERMINER_BEFORE.search(text[max(0, start - 6) : start]))


def _is_plain_word(word: str) -> bool:
    return all(c.isalpha() or c in "-'’" for c in word)


def _starts_sentence(text: str, start: int) -> bool:
    before = text[:start].rstrip(" \t\"'«“(-–—")
    return not before or before[-1] in ".!?:\n"


def _touches_proper_noun(
    text: str, start: int, end: int, known: frozenset[str], gc: french.French
) -> bool:
    """Grammar rules misfire on names and acronyms ("Jean François", "la DA")."""
    words = re.findall(r"\w+", text[max(0, start - 1) : end + 1])
    if any(len(w) > 1 and w.isupper() for w in words):
        return True
    if len(words) > 1 and all(w[0].isupper() for w in words):
        return True
    return any(w[0].isupper() and (w.lower() in known or not gc.is_valid(w)) for w in words)


def _is_foreign_quote(text: str, span: tuple[int, int], gc: french.French) -> bool:
    inner = text[span[0] + 1 : span[1] - 1]
    letters = len(_LETTER.findall(inner))
    if letters >= MIN_LETTERS_FOR_LANGUAGE:
        lang, prob = _identifier().classify(inner)
        if lang != "fr" and prob >= 0.5:
            return True
    words = [t["sValue"] for t in gc.tokens(inner) if t["sType"] == "WORD"]
    if not words:
        return False
    unknown = sum(1 for w in words if not gc.is_valid(w) and not gc.accented(w.lower()))
    return unknown * 2 >= len(words)


def _context_words(title: str | None, article: str | None) -> frozenset[str]:
    if not title and not article:
        return frozenset()
    return _words_of(f"{title or ''}\n{article or ''}")


@lru_cache(maxsize=32)  # the articles being commented on now; each may hold 100 kB
def _words_of(text: str) -> frozenset[str]:
    return frozenset(w.lower() for w in re.findall(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*", text))


@cache
def _identifier() -> LanguageIdentifier:
    return LanguageIdentifier(LANGUAGES)
