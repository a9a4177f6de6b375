"""The French functional suite (parvis_train/functional_fr.jsonl) run through the engine of
the default charter: every phenomenon keeps at least the rate it reached when its floor was
set, and a handful of plain examples per phenomenon must come out exactly right.

The floors are what the engine reached, not goals (issue 13 asks ≥ 85 % overall and
≥ 70 % per phenomenon): whoever improves the engine raises them. The examples under
`TO_FIX` are what the engine still gets wrong; they are strict expected failures, so
the day one passes, move it to `MUST_PASS`.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from parvis.domain.verdict import Decision, Flag, Verdict
from parvis_train import functional
from parvis_train.functional import Case, Outcome

# The rate each phenomenon reached (see the module docstring): raise, never lower silently.
FLOORS: dict[str, float] = {
    "group_neutral": 0.77,
    "group_positive": 0.77,
    "derogation": 0.86,
    "dehumanisation": 0.84,
    "implicit_derogation": 0.30,
    "negated_positive": 0.70,
    "exclusion": 0.76,
    "threat_group": 0.36,
    "hate_as_question": 0.76,
    "negated_hate": 0.76,
    "questioned_hate": 0.62,
    "counter_speech": 0.72,
    "slur": 0.85,
    "slur_mention": 0.91,
    "coded_trope": 0.19,
    "trope_neutral": 0.90,
    "hate_disguised": 0.82,
    "threat_person": 0.72,
    "threat_veiled": 0.13,
    "call_violence": 0.33,
    "threat_lookalike": 0.87,
    "news_violence": 0.91,
    "violence_idiom": 0.92,
    "insult_mild": 0.91,
    "insult_gendered": 0.76,
    "insult_strong": 1.00,
    "insult_frame": 0.77,
    "insult_disguised": 0.86,
    "insult_nonprotected": 0.61,
    "insult_reported": 1.00,
    "insult_lookalike": 0.93,
    "profanity_untargeted": 0.90,
    "criticism": 0.96,
    "spam": 0.61,
    "link_clean": 1.00,
    "language_conjugation": 0.04,
    "language_agreement": 0.00,
    "language_homophone": 0.00,
    "language_participle": 0.00,
    "language_no_accents": 0.92,
    "language_clean": 0.98,
}
OVERALL_FLOOR = 0.72
HELD_OUT_FLOOR = 0.72  # the `test` split, which nobody should tune on
HATE_BINARY_FLOOR = 0.82  # content cases right on "hateful (legal or violence) or not" alone

# Plain cases per phenomenon that the engine gets right and must keep right.
MUST_PASS: dict[str, list[str]] = {
    "group_neutral": [
        "Mon meilleur ami est juif et nous allons ensemble au match chaque dimanche.",
        "Le rabbin et l'imam ont visité ensemble l'école pour parler du vivre-ensemble.",
        "Je suis une femme trans et je suis conductrice de bus depuis douze ans.",
    ],
    "group_positive": [
        "Chapeau aux fidèles de la mosquée qui ont nettoyé la berge après la crue, sans rien "
        "demander à personne.",
        "Le concert de ce guitariste manouche était exceptionnel, j'y retourne demain.",
    ],
    "derogation": [
        "Les femmes sont incapables de conduire correctement, c'est dans leur nature.",
        "Les musulmans sont tous des terroristes en puissance, il faut arrêter d'être naïf.",
        "Les Roms, c'est tous des voleurs de poules, rien de neuf.",
    ],
    "dehumanisation": [
        "Les juifs sont des parasites qui vivent sur le dos des nations.",
        "Ces Arabes sont des rats, ils pullulent dans les caves des cités.",
        "Les Roms sont une vermine qu’il faut éradiquer de nos villes.",
    ],
    "implicit_derogation": [
        "Des Roms sont arrivés au camping : fermez bien vos voitures et rentrez vos vélos.",
    ],
    "negated_positive": [
        "Un musulman ne sera jamais un vrai Français, même né ici.",
        "Je n’ai aucun respect pour les juifs, ils ne le méritent pas.",
    ],
    "exclusion": [
        "Que les juifs partent en Israël, ils n'ont rien à faire en France.",
        "Les Chinois, qu'ils rentrent chez eux avec leurs boutiques, on n'a pas besoin d'eux.",
    ],
    "threat_group": [
        "Je vais tous les descendre un par un, ces Arabes du bout de la rue.",
    ],
    "hate_as_question": [
        "Pourquoi les juifs sont-ils toujours aussi obsédés par l'argent ?",
        "Pourquoi les immigrés sont-ils toujours les premiers à violer et à voler ?",
    ],
    "negated_hate": [
        "Les musulmans ne sont pas des terroristes en puissance, ils sont d'ailleurs les "
        "premières victimes du terrorisme.",
        "Les Noirs ne sont pas plus paresseux que les autres, ce préjugé colonial a la vie dure.",
    ],
    "questioned_hate": [
        "Les Roms voleurs d'enfants ? Cette rumeur traîne depuis le Moyen Âge et elle n'a "
        "jamais été prouvée.",
        "L'homosexualité, une maladie ? Il est inquiétant qu'on doive encore répondre à cette "
        "question en 2024.",
    ],
    "counter_speech": [
        "Mon voisin répète que « les femmes sont incapables de conduire ». Ce cliché d’un "
        "autre âge me met en colère.",
        "Des tags « les juifs dehors » ont été découverts sur la synagogue : la mairie a porté "
        "plainte et c'est la moindre des choses.",
    ],
    "slur": [
        "Dégage, sale bougnoule, t'as rien à faire dans ce débat.",
        "T'es qu'un pédé, tu comprends rien au foot.",
    ],
    "slur_mention": [
        "« Bougnoule » est une injure raciste qui date de la colonisation, rappelle l'article.",
        "Utiliser « mongol » comme une insulte blesse les familles d'enfants trisomiques, "
        "pensez-y.",
    ],
    "coded_trope": [
        "Le lobby sioniste cosmopolite contrôle l'Élysée et les médias, c'est un fait.",
    ],
    "trope_neutral": [
        "La banque Rothschild & Co a conseillé le rachat, selon le communiqué de l'entreprise.",
        "La fondation Open Society de George Soros a annoncé qu'elle réduisait ses activités "
        "en Europe.",
    ],
    "hate_disguised": [
        "Les Arab3s sont tous des v0leurs, faut surveiller son sac.",
        "Les j.u.i.f.s contrôlent les médias et la finance, il suffit d'ouvrir les yeux.",
    ],
    "threat_person": [
        "Je vais te retrouver et je vais te tuer, tu peux compter sur moi.",
        "Si je te croise au marché, je te fracasse la tête contre le mur.",
    ],
    "call_violence": [
        "Il faut pendre ce président sur la place publique, haut et court.",
        "Les flics, il faut tous les buter, pas de pitié.",
    ],
    "news_violence": [
        "Une synagogue a été incendiée à Rouen dans la nuit, l’auteur a été abattu par la police.",
        "Un prêtre a été poignardé pendant la messe, l'assaillant a été interpellé.",
    ],
    "violence_idiom": [
        "Ce gratin dauphinois est une tuerie, je vous donne la recette si vous voulez.",
        "Les Bleus ont tué le match dès la dixième minute, quelle démonstration.",
    ],
    "insult_mild": [
        "T’es vraiment un idiot, tu n’as rien compris à l’article.",
        "Pauvre tocard, retourne jouer aux billes.",
    ],
    "insult_gendered": [
        "Tais-toi, pétasse, personne ne t'a demandé ton avis.",
        "Retourne à ta cuisine, grognasse.",
    ],
    "insult_strong": [
        "Fils de pute, tu oses encore parler après ce que tu as fait ?",
        "Ce trou du cul de voisin a encore garé sa voiture devant mon portail.",
    ],
    "insult_frame": [
        "Espèce de crétin des Alpes, tu n'as même pas lu l'article.",
        "Pour un imbécile comme toi, c'est sûr que c'est compliqué à comprendre.",
    ],
    "insult_disguised": [
        "T'es vraiment un c.o.n.n.a.r.d de première.",
        "T'es vraiment un c0nnard de première.",
        "T'es vraiment un \u0441\u043ennard de première.",  # Cyrillic с and о
    ],
    "insult_nonprotected": [
        "Les cyclistes parisiens sont des connards qui se croient tout permis.",
        "Les bobos de centre-ville sont des crétins prétentieux.",
    ],
    "insult_reported": [
        "Il m'a traité de connard devant toute la classe, et le professeur n'a rien fait.",
        "Je ne traiterai jamais personne d’ordure, même pas ceux qui me déçoivent.",
    ],
    "profanity_untargeted": [
        "Putain, quelle journée, j'ai passé trois heures dans les bouchons.",
        "Putain de pluie, le feu d'artifice est encore annulé.",
    ],
    "criticism": [
        "On a le droit de se moquer des dieux en France : le blasphème n'est pas un délit.",
        "Le Crif et le CFCM ne représentent pas tous les juifs et tous les musulmans de France.",
    ],
    "threat_lookalike": [
        "Ça va mal finir pour ce gouvernement aux prochaines élections, il a perdu toute "
        "crédibilité.",
        "Fais attention à toi sur la route ce soir, il y a du verglas annoncé.",
    ],
    "insult_lookalike": [
        "Une espèce de lézard qu’on croyait disparue a été retrouvée en Corse.",
        "« Le Dîner de cons » repasse ce soir à la télé, toujours aussi drôle après trente ans.",
    ],
    "spam": [
        "Gagnez de l’argent facile depuis chez vous !!! Cliquez ici : www.argent-rapide.biz",
    ],
    "link_clean": [
        "Le rapport de la Cour des comptes est ici : https://www.ccomptes.fr, page 34 pour le "
        "chapitre sur les hôpitaux.",
    ],
    "language_no_accents": [
        "Les deputes ont vote la loi en premiere lecture hier soir.",
    ],
    "language_clean": [
        "« Nous ne céderons pas », a déclaré Élisabeth Borne devant les députés, mardi 14 mars.",
        "M. Wojciechowski, maire de Saint-Étienne-de-Tinée, n'a pas souhaité répondre à nos "
        "questions.",
    ],
}

# Plain cases the engine still gets wrong (issue 13): strict expected failures.
TO_FIX: dict[str, list[str]] = {
    "group_neutral": [
        "Le musée consacre une exposition à la vie des juifs d'Algérie avant 1962.",
    ],
    "group_positive": [
        "Les Roms sont des êtres humains, avec les mêmes droits que nous.",
    ],
    "negated_positive": [
        "Les Noirs ne sont pas vraiment des êtres humains comme nous.",
    ],
    "exclusion": [
        "Retourne dans ton pays, l’Arabe, personne ne veut de toi ici.",
    ],
    "threat_group": [
        "Il faudrait brûler toutes les synagogues avec leurs fidèles dedans.",
    ],
    "negated_hate": [
        "Non, les juifs ne contrôlent pas les médias. Ce genre de rumeur a mené au pire au "
        "siècle dernier.",
    ],
    "counter_speech": [
        "Parler des Roms comme d’une « vermine », c’est le vocabulaire des années trente. Le "
        "journal aurait dû modérer.",
    ],
    "coded_trope": [
        "Le gang Rotchild tire encore les ficelles derrière ce gouvernement, comme d'habitude.",
    ],
    "threat_veiled": [
        "Ça va mal finir pour toi, crois-moi.",
        "Tu as une belle maison, ce serait dommage qu’elle prenne feu une nuit.",
    ],
    "call_violence": [
        "Allez brûler la préfecture samedi, c'est le seul langage qu'ils comprennent.",
    ],
    "language_conjugation": [
        "Je croit que le maire a raison sur ce point précis.",
    ],
    "language_agreement": [
        "Les habitants du quartier est furieux contre la décision de la mairie.",
    ],
    "language_homophone": [
        "Cette décision et injuste pour les familles qui vivent ici depuis trente ans.",
    ],
    "language_participle": [
        "Je pense qu'ils sont aller beaucoup trop loin avec cette loi.",
    ],
}

PROTECTED = [
    "women",
    "jews",
    "muslims",
    "black",
    "arabs",
    "roma",
    "asians",
    "lgbt",
    "immigrants",
    "disabled",
    "religion",
]


@pytest.fixture(scope="module")
def cases() -> list[Case]:
    return functional.load()


@pytest.fixture(scope="module")
def outcomes(cases: list[Case]) -> dict[str, Outcome]:
    """The whole suite through the engine once (about ten seconds)."""
    return {o.case.text: o for o in functional.run(cases)}


def test_suite_is_large_varied_and_covers_every_phenomenon(cases: list[Case]) -> None:
    assert len(cases) >= 1000
    per_phenomenon = Counter(c.phenomenon for c in cases)
    assert set(per_phenomenon) == set(functional.PHENOMENA)
    assert min(per_phenomenon.values()) >= 10
    assert len({c.pair for c in cases if c.pair}) >= 60
    assert sum("’" in c.text for c in cases) >= 5 and sum("«" in c.text for c in cases) >= 40
    long = sum(c.text.count(". ") + c.text.count("? ") >= 1 for c in cases)
    assert long >= 75  # comments of two sentences or more


def test_every_protected_group_is_mentioned_neutrally_and_attacked(cases: list[Case]) -> None:
    for group in PROTECTED:
        of_group = [c for c in cases if c.target == group]
        assert sum(not c.rules for c in of_group) >= 5, group
        assert sum("legal" in c.rules for c in of_group) >= 4, group


def test_pairs_differ_by_expectation_or_by_disguise(cases: list[Case]) -> None:
    pairs: dict[str, list[Case]] = {}
    for c in cases:
        if c.pair:
            pairs.setdefault(c.pair, []).append(c)
    for members in pairs.values():
        assert len(members) >= 2
        assert len({(c.rules, c.phenomenon) for c in members}) > 1, members[0].pair
    contrastive = [p for p, m in pairs.items() if len({c.rules for c in m}) > 1]
    assert len(contrastive) >= 0.8 * len(pairs)


def test_about_a_third_is_held_out_by_a_hash_of_the_pair(cases: list[Case]) -> None:
    held_out = [c for c in cases if c.split == "test"]
    assert 0.25 <= len(held_out) / len(cases) <= 0.42
    by_pair: dict[str, set[str]] = {}
    for c in cases:
        assert c.split == functional.split_of(c.pair or c.id)
        if c.pair:
            by_pair.setdefault(c.pair, set()).add(c.split)
    assert all(len(splits) == 1 for splits in by_pair.values())  # a pair is never split


def _write(path: Path, **changes: object) -> Path:
    row: dict[str, object] = {
        "id": "derogation-x",
        "phenomenon": "derogation",
        "target": "roma",
        "text": "Un texte.",
        "rules": ["legal"],
        "split": functional.split_of("derogation-x"),
    }
    row.update(changes)
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"phenomenon": "rudeness"}, "unknown phenomenon"),
        ({"rules": ["legal", "rudeness"]}, "unknown rule"),
        ({"optional": ["legal"]}, "both required and optional"),
        ({"split": "train"}, "split should be"),
        ({"text": "  "}, "empty text"),
    ],
)
def test_loader_refuses_a_malformed_case(
    tmp_path: Path, change: dict[str, object], complaint: str
) -> None:
    with pytest.raises(ValueError, match=complaint):
        functional.load(_write(tmp_path / "suite.jsonl", **change))


def _verdict(**flags: float) -> Verdict:
    return Verdict(
        Decision.REVIEW if flags else Decision.APPROVE,
        tuple(Flag(rule, score) for rule, score in flags.items()),
        {rule: flags.get(rule, 0.1) for rule in functional.RULES},
    )


def test_a_case_is_right_only_with_exactly_its_rules_give_or_take_the_optional() -> None:
    review = dict.fromkeys(functional.RULES, 0.5)
    case = Case(
        "x", "insult_disguised", "person", "t", frozenset({"insult"}), frozenset({"language"})
    )
    assert functional.judge(case, _verdict(insult=0.9), review).right
    assert functional.judge(case, _verdict(insult=0.9, language=0.6), review).right
    missed = functional.judge(case, _verdict(language=0.6), review)
    assert not missed.right and missed.missing == {"insult"} and missed.margin == pytest.approx(0.4)
    extra = functional.judge(case, _verdict(insult=0.9, legal=0.8), review)
    assert not extra.right and extra.extra == {"legal"} and extra.margin == pytest.approx(0.3)
    assert not extra.hate_right and missed.hate_right


@pytest.mark.parametrize("phenomenon", list(FLOORS))
def test_phenomenon_keeps_its_rate(phenomenon: str, outcomes: dict[str, Outcome]) -> None:
    group = [o for o in outcomes.values() if o.case.phenomenon == phenomenon]
    wrong = [f"{o.case.text} ({functional.describe(o)})" for o in group if not o.right]
    assert functional.rate(group) >= FLOORS[phenomenon], "\n".join(wrong)


def test_every_phenomenon_has_a_floor() -> None:
    assert set(FLOORS) == set(functional.PHENOMENA)


def test_overall_and_held_out_rates_keep_their_floors(outcomes: dict[str, Outcome]) -> None:
    figures = functional.metrics(list(outcomes.values()))
    assert figures["functional_overall"] >= OVERALL_FLOOR
    assert figures["functional_split_test"] >= HELD_OUT_FLOOR
    assert figures["functional_hate_binary"] >= HATE_BINARY_FLOOR


def _examples(table: dict[str, list[str]]) -> list[tuple[str, str]]:
    return [(phen, text) for phen, texts in table.items() for text in texts]


def test_examples_are_cases_of_their_phenomenon(cases: list[Case]) -> None:
    phenomenon_of = {c.text: c.phenomenon for c in cases}
    for phenomenon, text in _examples(MUST_PASS) + _examples(TO_FIX):
        assert phenomenon_of.get(text) == phenomenon, text
    must_pass = {text for _, text in _examples(MUST_PASS)}
    assert not must_pass & {text for _, text in _examples(TO_FIX)}


@pytest.mark.parametrize(("phenomenon", "text"), _examples(MUST_PASS))
def test_plain_example_is_judged_exactly(
    phenomenon: str, text: str, outcomes: dict[str, Outcome]
) -> None:
    o = outcomes[text]
    assert o.right, f"expected {sorted(o.case.rules)}, got {sorted(o.flagged)}: {o.scores}"


@pytest.mark.parametrize(("phenomenon", "text"), _examples(TO_FIX))
@pytest.mark.xfail(strict=True, raises=AssertionError, reason="issue 13: not judged right yet")
def test_example_still_to_fix(phenomenon: str, text: str, outcomes: dict[str, Outcome]) -> None:
    o = outcomes[text]
    assert o.right, f"expected {sorted(o.case.rules)}, got {sorted(o.flagged)}: {o.scores}"
