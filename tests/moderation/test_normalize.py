from __future__ import annotations

from parvis.moderation.normalize import normalize, skeleton


def _words(text: str) -> list[tuple[str, str]]:
    n = normalize(text)
    return [(w, text[slice(*n.orig_span(s, e))]) for w, s, e in n.words()]


def test_accents_case_and_leetspeak_are_folded() -> None:
    assert normalize("Espèce de C0NN@RD").text == "espece de connard"
    assert normalize("!mb3c!le").text == "imbecile"


def test_numbers_are_not_taken_for_leetspeak() -> None:
    assert normalize("En 2020, 3 enfants").text == "en 2020, 3 enfants"


def test_letters_separated_by_dots_or_spaces_are_joined() -> None:
    assert normalize("c.o.n.n.a.r.d").text == "connard"
    assert normalize("t'es un c o n n a r d").text == "t'es un connard"
    assert normalize("il y a à voir").text == "il y a a voir"  # three short words stay apart


def test_repeated_letters_are_cut() -> None:
    assert normalize("Coooonnnnard").text == "coonnard"
    assert skeleton("connnard") == "conard"


def test_spans_map_back_to_the_original_text() -> None:
    assert ("connard", "C0NN@RD") in _words("Espèce de C0NN@RD !!!")
    assert ("connard", "c.o.n.n.a.r.d") in _words("un c.o.n.n.a.r.d")
    assert ("coonnard", "cooonnard") in _words("gros cooonnard")
