"""A reproducible generator of the mistakes French commenters make, for `make eval`.

Dropped accents, swapped letters, homophones (a/à, ces/ses, et/est, son/sont, on/ont,
ou/où), past participle agreement and -é/-er confusion. The same text, seed and count
give the same noisy text.
"""

from __future__ import annotations

import random
import re

_HOMOPHONES = {
    "a": "à",
    "à": "a",
    "ces": "ses",
    "ses": "ces",
    "et": "est",
    "est": "et",
    "son": "sont",
    "sont": "son",
    "on": "ont",
    "ont": "on",
    "où": "ou",
    "ou": "où",
    "leur": "leurs",
    "leurs": "leur",
    "ce": "se",
    "se": "ce",
    "c'est": "s'est",
    "s'est": "c'est",
    "peu": "peut",
    "peut": "peu",
    "quand": "quant",
    "mais": "mes",
    "mes": "mais",
}
_ACCENTS = str.maketrans("éèêàùâîôûç", "eeeauaiouc")
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def _drop_accent(word: str, rng: random.Random) -> str | None:
    idx = [i for i, c in enumerate(word) if c in "éèêàùâîôûç"]
    if not idx or len(word) < 3:
        return None
    i = rng.choice(idx)
    return word[:i] + word[i].translate(_ACCENTS) + word[i + 1 :]


def _swap(word: str, rng: random.Random) -> str | None:
    if len(word) < 5 or not word.isalpha() or word[0].isupper():
        return None
    i = rng.randrange(1, len(word) - 2)
    if word[i] == word[i + 1]:
        return None
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def _homophone(word: str, rng: random.Random) -> str | None:
    new = _HOMOPHONES.get(word)
    if new is None and word[:1].isupper():
        low = _HOMOPHONES.get(word.lower())
        return low.capitalize() if low else None
    return new


def _agreement(word: str, rng: random.Random) -> str | None:
    for old, new in (
        ("ées", "é"),
        ("és", "é"),
        ("ée", "é"),
        ("é", "er"),
        ("er", "é"),
        ("ait", "er"),
    ):
        if word.endswith(old) and len(word) > len(old) + 3 and word.isalpha():
            return word[: -len(old)] + new
    return None


KINDS = (_homophone, _drop_accent, _agreement, _swap)


def inject(text: str, n: int, seed: int) -> tuple[str, int]:
    """Put up to `n` mistakes in `text`, each in a different word; return (text, count)."""
    rng = random.Random(f"{seed}:{text}")
    words = list(_WORD.finditer(text))
    order = list(range(len(words)))
    rng.shuffle(order)
    changes: dict[int, str] = {}
    for i in order:
        if len(changes) >= n:
            break
        w = words[i].group()
        kinds = list(KINDS)
        rng.shuffle(kinds)
        for kind in kinds:
            new = kind(w, rng)
            if new and new != w:
                changes[i] = new
                break
    out, last = [], 0
    for i in sorted(changes):
        m = words[i]
        out.append(text[last : m.start()])
        out.append(changes[i])
        last = m.end()
    out.append(text[last:])
    return "".join(out), len(changes)
