"""A comment's source text with the engine's evidence marked, for moderators and the form."""

from __future__ import annotations

from markupsafe import Markup, escape

from parvis.domain.verdict import Evidence, Verdict


def highlight(text: str, verdict: Verdict | None) -> Markup:
    """Escape `text`, wrapping each evidence span in a <mark> that names its rule and note.

    Spans are [start, end) indices into the text as stored; overlapping spans keep the
    first one (the engine's spans rarely overlap, and a mark cannot nest cleanly).
    """
    spans: list[tuple[int, int, str, Evidence]] = []
    for flag in verdict.flags if verdict else ():
        for e in flag.evidence:
            if 0 <= e.start < e.end <= len(text):
                spans.append((e.start, e.end, flag.rule, e))
    spans.sort(key=lambda s: (s[0], -s[1]))
    out: list[str] = []
    pos = 0
    for start, end, rule, e in spans:
        if start < pos:
            continue
        out.append(_text(text[pos:start]))
        note = e.note + (" → " + ", ".join(e.suggestions) if e.suggestions else "")
        kind = "parvis-spell" if rule == "language" else "parvis-flag"
        out.append(
            f'<mark class="{kind} parvis-rule-{escape(rule)}" data-rule="{escape(rule)}" '
            f'title="{escape(note)}">{_text(text[start:end])}</mark>'
        )
        pos = end
    out.append(_text(text[pos:]))
    return Markup("".join(out))


def _text(part: str) -> str:
    return str(escape(part)).replace("\n", "<br>")
