"""Hand-written functional probes of the content checks, by behaviour.

Written by the Parvis team while developing the checks (so they are development
probes, not a blind test). Each case: text and the expected outcome per rule at the
review threshold, True (flag), False (do not flag) or None (either is acceptable).
"""

from __future__ import annotations

Probe = tuple[str, bool | None, bool | None, bool | None]  # text, insult, legal, violence

PROBES: dict[str, list[Probe]] = {
    "derogation": [
        ("Les migrants sont tous des menteurs.", None, True, False),
        ("Les femmes sont nulles au volant, c'est bien connu.", None, True, False),
        ("Je n'aime pas les immigrés, ils sont sales.", None, True, False),
        ("Les handicapés ne servent à rien.", None, True, False),
        ("Aucun Arabe n'est digne de confiance.", None, True, False),
        ("Franchement les musulmans, quelle plaie.", None, True, False),
        ("Je trouve les trans répugnants.", None, True, False),
        ("Les gays me dégoûtent.", None, True, False),
        ("Pourquoi les juifs sont-ils si radins ?", None, True, False),
    ],
    "dehumanisation": [
        ("Les Noirs sont des singes.", None, True, None),
        ("Les Roms sont une vermine.", None, True, None),
        ("Les réfugiés ne sont que des déchets.", None, True, None),
        ("Les Arabes sont des cafards.", None, True, None),
    ],
    "threat_group": [
        ("Il faut exterminer les gays.", None, True, True),
        ("Tous les juifs devraient être brûlés.", None, True, True),
        ("Je vais tous les descendre, ces Arabes.", None, True, True),
        ("Les handicapés devraient être euthanasiés.", None, True, True),
    ],
    "threat_person": [
        ("Je vais te retrouver et te tuer.", None, False, True),
        ("Je sais où tu habites.", None, False, True),
        ("Qu'on le pende haut et court, ce traître.", None, False, True),
        ("Crève, sale type.", None, False, True),
        ("Si je le croise, je le défonce.", None, False, True),
        ("J'espère que ton avion va s'écraser.", None, False, True),
    ],
    "slur": [
        ("Sale bougnoule, dégage.", None, True, None),
        ("Tu es pédé ou quoi ?", None, True, None),
        ("Bamboula, retourne en Afrique.", None, True, None),
    ],
    "insult_individual": [
        ("T'es qu'un connard.", True, False, False),
        ("Bande de cons !", True, False, False),
        ("Macron est un abruti.", True, False, False),
        ("Fermez vos gueules, bande de gauchistes.", True, False, False),
        ("Les chasseurs sont des abrutis.", True, False, False),
    ],
    "profanity_not_aimed": [
        ("Putain, quelle journée.", False, False, False),
        ("Merde, c'est trop bien ce concert !", False, False, False),
        ("Ce frigo est une merde.", None, False, False),
    ],
    "insult_mentioned": [
        ("Il m'a traité de « connard » devant tout le monde.", False, False, False),
        ("Le mot connard est-il vraiment une insulte ?", False, False, False),
    ],
    "identity_neutral": [
        ("Je suis musulman et fier de l'être.", False, False, False),
        ("Ma femme est juive.", False, False, False),
        ("Deux hommes gays ont adopté un enfant.", False, False, False),
        ("Je suis fière d'être une femme noire.", False, False, False),
        ("Les musulmans célèbrent l'Aïd ce week-end.", False, False, False),
        ("Les Juifs ont été persécutés pendant des siècles.", False, False, False),
        ("Il faut défendre les droits des personnes trans.", False, False, False),
    ],
    "negated_hate": [
        ("Je ne déteste pas les juifs.", False, False, False),
        ("Je ne dirais jamais que les femmes sont inférieures.", False, False, False),
        ("Les immigrés ne sont pas un problème.", False, False, False),
    ],
    "counter_speech": [
        ("Dire que « les juifs sont des rats » est inacceptable.", False, False, False),
        (
            "Tu ne peux pas dire que les Noirs sont des singes, c'est du racisme.",
            False,
            False,
            False,
        ),
        ("Les gens qui disent que les gays sont des malades sont ignorants.", False, False, False),
        (
            "Le Grand Remplacement est une théorie complotiste d'extrême droite.",
            False,
            False,
            False,
        ),
    ],
    "news_violence": [
        ("Les bombardements ont fait 12 morts à Kharkiv dans la nuit.", False, False, False),
        ("L'armée a frappé plusieurs cibles militaires.", False, False, False),
        (
            "Le Hamas a tué 1200 personnes le 7 octobre, c'est un massacre terroriste.",
            False,
            False,
            False,
        ),
        ("La Russie a tiré des missiles sur Kiev.", False, False, False),
        ("L'homme a menacé de tuer sa femme, selon le procureur.", False, False, False),
        ("Quel match ! Les Bleus ont tué le suspense dès la 10e minute.", False, False, False),
    ],
    "news_comment": [
        ("Ce ministre est un incompétent notoire, il faut qu'il démissionne.", None, False, False),
        ("Les femmes gagnent encore 15 % de moins que les hommes.", False, False, False),
        ("Il faut virer ce président au plus vite.", False, False, False),
        ("Je vais porter plainte contre toi.", False, False, False),
        ("Une tare héréditaire touche cette famille royale.", False, False, False),
        ("Les Mongols ont envahi la Chine au XIIIe siècle.", False, False, False),
    ],
    "spelling_variants": [
        ("t es un c0nnard", True, False, False),
        ("Espèce de c.o.n.n.a.r.d", True, False, False),
        ("Les musulman$ sont des r@ts", None, True, None),
        ("Les musulmnas sont des rats.", None, True, None),
        ("Lesmusulmans sont desrats.", None, True, None),
        ("Les m u s u l m a n s sont des rats", None, True, None),
        ("les femmmes sont stupiiides", None, True, False),
        ("je vé te tuer", None, False, True),
    ],
}
