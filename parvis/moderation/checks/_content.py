"""What the three content checks share: evidence building from one `Analysis`."""

from __future__ import annotations

from parvis.domain.verdict import Evidence
from parvis.moderation.classifier import Analysis, get_model

_STOPWORDS = frozenset(
    [
        "alors",
        "aussi",
        "avec",
        "avez",
        "avoir",
        "cela",
        "celle",
        "celui",
        "cest",
        "cette",
        "comme",
        "dans",
        "depuis",
        "donc",
        "elle",
        "elles",
        "encore",
        "etes",
        "etre",
        "fait",
        "faire",
        "font",
        "leur",
        "leurs",
        "mais",
        "meme",
        "moins",
        "nous",
        "notre",
        "peut",
        "plus",
        "pour",
        "quand",
        "quel",
        "quelle",
        "quels",
        "qu'il",
        "sans",
        "sera",
        "sont",
        "tous",
        "tout",
        "toute",
        "toutes",
        "tres",
        "trop",
        "vais",
        "vont",
        "votre",
        "vous",
        "vraiment",
        "ceux",
        "cettes",
        "juste",
        "encore",
        "bien",
        "voila",
        "avait",
        "etait",
        "sont",
    ]
)


def evidence(a: Analysis, start: int, end: int, note: str) -> Evidence:
    s, e = a.span(start, end)
    text = a.norm.source[s:e]
    return Evidence(s, e, text, f"{note} : « {text} »")


def classifier_evidence(a: Analysis, head: str, note: str, limit: int = 2) -> list[Evidence]:
    """The words that weigh most for a head, when no lexicon term or pattern explains the score."""
    weights = get_model().contributions(a.features, head)
    groups = {a.norm.text[h.start : h.end] for h in a.hits if h.category == "group"}
    best = sorted(
        (
            w
            for w in weights.items()
            if w[1] > 0.5 and len(w[0]) >= 4 and w[0] not in groups and w[0] not in _STOPWORDS
        ),
        key=lambda kv: -kv[1],
    )[:limit]
    wanted = {w for w, _ in best}
    out: list[Evidence] = []
    for word, start, end in a.norm.words():
        if word in wanted:
            out.append(evidence(a, start, end, note))
            wanted.discard(word)
    return out
