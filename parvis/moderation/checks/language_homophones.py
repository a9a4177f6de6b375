"""Homophone slips Grammalecte lets through, found from the neighbouring words'
morphology: "ils son partis", "de sont côté", "il et parti", "quant il viendra",
"un peut", "il peu venir", "s'est la vie", "se matin", "mes il".

Each rule only fires where the written form cannot be right, so clean French is
left alone: better to miss a slip than to hold a good comment.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

Morph = Callable[[str], list[str]]

_PREPOSITIONS = frozenset(
    ("de", "à", "dans", "pour", "par", "sur", "avec", "sans", "chez", "vers", "entre", "contre")
)
_DETERMINERS = frozenset(
    ("le", "la", "les", "un", "une", "des", "du", "au", "aux", "mon", "ma", "mes", "ton", "ta")
)
_OPENING_DETERMINERS = frozenset(
    ("le", "la", "l'", "l’", "les", "un", "une", "son", "sa", "ses", "mon", "ma", "ce", "cette")
    + ("leur", "notre", "votre")
)
_COMPLEMENT = frozenset(
    ("de", "d'", "d’", "des", "du", "aux", "en", "à", "dans", "ces", "certains", "par", "pour")
)
_SUBJECTS = frozenset(("je", "tu", "il", "elle", "on", "nous", "vous", "ils", "elles"))
_FINITE = re.compile(r":(?:I[pqsf]|K|S[pq]|E)")


def _is_only_participle(morphs: list[str]) -> bool:
    return (
        bool(morphs)
        and any(":Q" in m for m in morphs)
        and not any(":N" in m or ":G" in m or _FINITE.search(m) for m in morphs)
    )


def _is_noun_only(morphs: list[str]) -> bool:
    return bool(morphs) and all(":N" in m and ":V" not in m for m in morphs)


def _is_plural_noun_only(morphs: list[str]) -> bool:
    return _is_noun_only(morphs) and all(":p" in m for m in morphs)


def _is_finite_verb_only(morphs: list[str]) -> bool:
    return bool(morphs) and all(
        ":V" in m and _FINITE.search(m) and not any(t in m for t in (":Q", ":N", ":A", ":G", ":W"))
        for m in morphs
    )


def _is_plural_only(morphs: list[str]) -> bool:
    return bool(morphs) and all(
        ":p" in m and ":s" not in m and ":i" not in m and ":G" not in m for m in morphs
    )


def _is_infinitive(morphs: list[str]) -> bool:
    return any(":Y" in m for m in morphs) and not any(":N" in m for m in morphs)


def slips(tokens: list[dict[str, Any]], morph: Morph) -> Iterator[tuple[int, int, str, str]]:
    """(start, end, message, suggestion) for each slip; tokens are Grammalecte's."""
    words = [t for t in tokens if t["sType"] in ("WORD", "WORDELD", "PUNC")]
    for n, tok in enumerate(words):
        if tok["sType"] == "PUNC":
            continue
        word = tok["sValue"].lower()
        prev = words[n - 1]["sValue"].lower() if n > 0 else ""
        nxt = words[n + 1] if n + 1 < len(words) else None
        nxt_word = nxt["sValue"].lower() if nxt and nxt["sType"] != "PUNC" else ""
        # A capitalised next word is a name as often as not: "à Vitré" is no participle.
        proper = nxt is None or nxt_word != nxt["sValue"]
        nxt_morph = [] if proper or nxt is None else morph(nxt["sValue"])
        found = _slip(word, prev, nxt_word, nxt_morph, tok["sValue"][:1].isupper())
        if not found and word in ("et", "ce", "est"):
            found = _slip_after(word, words[max(0, n - 4) : n], nxt_morph, morph)
        if found:
            message, suggestion = found
            if tok["sValue"][:1].isupper():
                suggestion = suggestion[:1].upper() + suggestion[1:]
            yield tok["nStart"], tok["nEnd"], message, suggestion


def _slip_after(
    word: str, before: list[dict[str, Any]], nxt_morph: list[str], morph: Morph
) -> tuple[str, str] | None:
    if not before or before[-1]["sType"] != "WORD":
        return None
    # "Sa demande et rejetée.": a sentence opening on determiner + noun, then a
    # participle; "présidé par Balkany et dirigé par Schuller" is fine.
    last3 = before[-3:]
    if (
        word == "et"
        and _is_only_participle(nxt_morph)
        and len(last3) == 3
        and last3[0]["sType"] == "PUNC"
        and last3[1]["sValue"].lower() in _OPENING_DETERMINERS
        and _is_noun_only(morph(last3[2]["sValue"]))
    ):
        return "Confusion probable : le verbe être s'écrit « est ».", "est"
    # "des mères, des épouses est des sœurs": "est" after a plural noun that is not
    # the complement of another noun ("la traite des esclaves est" is fine).
    prev = before[-1]["sValue"]
    if (
        word == "est"
        and prev.islower()
        and _is_plural_only(morph(prev))
        and not any(t["sValue"].lower() in _COMPLEMENT for t in before[:-1])
    ):
        return "Confusion probable avec la conjonction « et ».", "et"
    if word == "ce" and _is_finite_verb_only(nxt_morph):
        lemmas = {m.split("/")[0] for m in nxt_morph}
        if not lemmas & {">être", ">pouvoir", ">devoir", ">sembler", ">paraître"}:
            return "Confusion : devant un verbe, écrivez « se ».", "se"
    return None


def _slip(
    word: str, prev: str, nxt: str, nxt_morph: list[str], capital: bool
) -> tuple[str, str] | None:
    if word == "son" and _is_only_participle(nxt_morph):
        return "Confusion : devant un participe passé, écrivez « sont ».", "sont"
    if word == "on" and _is_only_participle(nxt_morph):
        return "Confusion : devant un participe passé, écrivez « ont ».", "ont"
    if word == "son" and _is_plural_only(nxt_morph):
        return "Confusion : devant un pluriel, écrivez « sont ».", "sont"
    if word == "son" and prev in ("ils", "elles"):
        return "Confusion : le verbe être s'écrit « sont ».", "sont"
    if word == "on" and prev in ("ils", "elles"):
        return "Confusion : le verbe avoir s'écrit « ont ».", "ont"
    if word == "sont" and prev in _PREPOSITIONS:
        return "Confusion : après une préposition, écrivez « son ».", "son"
    if word == "est" and (
        prev in _PREPOSITIONS
        or nxt in _SUBJECTS
        or _is_finite_verb_only(nxt_morph)
        or _is_plural_noun_only(nxt_morph)
        or (nxt == "qui" and prev not in ("c'", "c’", "ce", "n'", "n’"))
    ):
        return "Confusion probable avec la conjonction « et ».", "et"
    if word == "à" and (
        prev in ("il", "elle", "on", "cela", "ça") or _is_only_participle(nxt_morph)
    ):
        return "Confusion : le verbe avoir s'écrit « a ».", "a"
    if (
        word == "a"
        and not capital
        and _is_infinitive(nxt_morph)
        and not any(":Q" in m for m in nxt_morph)
    ):
        return "Confusion : devant un infinitif, écrivez la préposition « à ».", "à"
    if word == "se" and nxt in ("n'", "n’"):
        return "Confusion : écrivez « ce n'est ».", "ce"
    if word == "ont" and nxt in ("y", "ne", "n'", "n’", "se", "s'", "s’"):
        return "Confusion : le pronom s'écrit « on ».", "on"
    if word == "c'" and prev in ("il", "elle", "on"):
        return "Confusion : après un sujet, écrivez « s' ».", "s'"
    if word == "ce" and prev in ("il", "elle", "on", "ils", "elles"):
        return "Confusion : devant un verbe, écrivez « se ».", "se"
    if word == "se" and nxt in ("qui", "que", "qu'", "dont"):
        return "Confusion : devant un relatif, écrivez « ce ».", "ce"
    if word == "quand" and (nxt in ("au", "aux")):
        return "Confusion : écrivez « quant à ».", "quant"
    if word == "mais" and _is_plural_noun_only(nxt_morph):
        return "Confusion : le déterminant s'écrit « mes ».", "mes"
    if word == "et" and prev in ("il", "on"):
        return "Confusion : après un sujet, écrivez le verbe « est ».", "est"
    if word == "quant" and nxt not in ("à", "au", "aux", "a"):
        return "Confusion : « quant » ne s'emploie que dans « quant à ».", "quand"
    if word == "peut" and prev in ("un", "très", "trop", "si", "assez", "peu"):
        return "Confusion : l'adverbe s'écrit « peu ».", "peu"
    if (
        word == "peu"
        and prev in ("il", "elle", "on", "qui", "ça", "cela")
        and _is_infinitive(nxt_morph)
    ):
        return "Confusion : le verbe pouvoir s'écrit « peut ».", "peut"
    if word == "est" and prev in ("s'", "s’") and nxt in _DETERMINERS:
        return "Confusion probable : « c'est ».", "c'est"
    if word == "se" and _is_noun_only(nxt_morph):
        return "Confusion : devant un nom, écrivez « ce ».", "ce"
    if word == "mes" and (not nxt or nxt in ("il", "ils", "elle", "elles", "je", "tu", "nous")):
        return "Confusion : la conjonction s'écrit « mais ».", "mais"
    return None
