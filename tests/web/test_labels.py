"""The team's pages name what the database stores: the notes the services write for
themselves come out in the page's language, what a person wrote comes out as written."""

from __future__ import annotations

import pytest

from parvis.infra.i18n import translations
from parvis.moderation.charter import load_charter
from parvis.web.labels import ACTIONS, Labels


@pytest.fixture(scope="module")
def fr() -> Labels:
    catalogue = translations("fr")
    return Labels(catalogue.gettext, catalogue.ngettext, load_charter(), "fr")


@pytest.mark.parametrize(
    ("action", "note", "shown"),
    [
        (
            "ban",
            "#12 author → 2026-12-11: Insultes <b>répétées</b>",
            (
                "bannissement n°\u00a012, par pseudonyme, jusqu’au 11 décembre 2026"
                " — <q>Insultes &lt;b&gt;répétées&lt;/b&gt;</q>"
            ),
        ),
        (
            "ban",
            "#3 email → ∞: spam",
            "bannissement n°\u00a03, par adresse électronique, définitivement — <q>spam</q>",
        ),
        ("unban", "#3", "bannissement n°\u00a03"),
        ("undo", "approve", "annulation de\u00a0: Validé"),
        ("mode", "post", "post-modération"),
        ("mode", "default", "le mode par défaut de la charte"),
        ("report-hide", "3 signalements", "3 signalements"),
        ("moderator-add", "=inès (moderator)", "=inès (modérateur)"),
        ("reject", "ban #4", "avec le bannissement n°\u00a04"),
        ("auto-approve", "charte", ""),
        ("approve", "sans signalement", ""),  # bulk approvals before batches had an id
        ("approve", "vu avec la rédaction", "vu avec la rédaction"),
    ],
)
def test_audit_notes_are_put_in_words(fr: Labels, action: str, note: str, shown: str) -> None:
    assert str(fr.note(action, note)) == shown


def test_every_action_has_a_french_name_and_readers_are_not_automatic(fr: Labels) -> None:
    names = {fr("action", a) for a in ACTIONS}
    assert len(names) == len(ACTIONS) and not names & set(ACTIONS)
    assert fr.who(None, "report") == "un lecteur"
    assert fr.who(None, "auto-reject") == "automatique"
    assert fr("rule", "other") == "une autre raison" and fr("rule", "legal") == "Racisme, illégal"
    assert fr("mail", "dead") == "impossibles à envoyer"
    assert fr("action", "something-new") == "something-new"  # shown as is, and tests catch it
