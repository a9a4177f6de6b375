from __future__ import annotations

from babel.messages.pofile import read_po

from tools.messages import extract, po_path, untranslated


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
