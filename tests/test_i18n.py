from __future__ import annotations

import re

from babel.messages.pofile import read_po

from tools.messages import extract, french_typography, po_path, untranslated


def test_every_interface_message_has_a_french_translation() -> None:
    with po_path("fr").open("rb") as f:
        catalog = read_po(f, locale="fr")
    extracted = {m.id if isinstance(m.id, str) else m.id[0] for m in extract() if m.id}
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id} - {
        m if isinstance(m, str) else m[0]
        for m in untranslated(catalog)  # type: ignore[misc]
    }
    missing = sorted(extracted - translated)
    assert not missing, f"run `make messages` and translate: {missing}"


def test_french_messages_follow_french_typography() -> None:
    """’ not ', « » not quotes, and a non-breaking space (U+00A0 or U+202F) before : ; ! ?
    and inside « » (`make messages` sets them; a hand edit must too)."""
    with po_path("fr").open("rb") as f:
        catalog = read_po(f, locale="fr")
    wrong = []
    for m in catalog:
        if not m.id:
            continue
        for text in m.string if isinstance(m.string, tuple) else (m.string,):
            if (
                re.search(r"['\"“”]", text)
                or re.search(r"[ \t\n][:;!?]", text)
                or re.search(r"«(?![\u00a0\u202f])|(?<![\u00a0\u202f])»|n° ", text)
            ):
                wrong.append(text)
    assert not wrong, wrong
    assert french_typography("Motif : l'article « {title} » ?") == (
        "Motif\u00a0: l’article «\u00a0{title}\u00a0»\u202f?"
    )
