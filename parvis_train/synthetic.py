"""Template-generated French training cases, written by the Parvis team.

The public sets are biased: in MLMA almost every tweet names a group, so a classifier
learns "names a group => hate"; Jigsaw-FR is machine-translated; no set has native
French threats or news about wars. These cases teach the missing contrasts: hate
against a group versus neutral or proud mentions of it, negated hate, counter-speech
quoting hate, insults thrown versus insults quoted, threats versus war reporting, and
obfuscated spellings. Deterministic for a given seed.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from parvis_train.vocabulary import (
    ADVERBS,
    BAN,
    CITIES,
    COUNTER,
    DEBUNK,
    DEHUMAN,
    FIGURATIVE,
    GROUPS,
    HATE_PRON,
    HATE_VERBS,
    INSULTS,
    KILL,
    KILL_PP,
    KILL_SUBJ,
    NEG_ADJ,
    NEG_NOUNS,
    NEG_SING,
    NEUTRAL,
    NEWS_PRED,
    NEWS_PREFIX,
    OTHER_GROUPS,
    OTHERS,
    PEOPLE,
    POS_ADJ,
    PROFANITY,
    RECLAIMED,
    RIGHTS,
    SKILLS,
    SLURS,
    THREAT_ME,
    WAR,
)

Case = tuple[str, tuple[str, ...]]


_KEYWORDS = {
    w.lower()
    for group in (SLURS, DEHUMAN, KILL, THREAT_ME, [i for pair in INSULTS for i in pair])
    for phrase in group
    for w in phrase.split()
    if len(w) >= 3
} | {g[3].lower() for g in GROUPS}


_INSULT_RE = re.compile(
    r"\b(" + "|".join(re.escape(i) for pair in INSULTS for i in pair) + r"|chiens|rat)\b"
)


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _obfuscate(rng: random.Random, text: str, word: str) -> str:
    """Spell one word as people do to dodge filters."""
    if word not in text or len(word) < 3:
        return text
    kind = rng.randrange(6)
    if kind == 0:
        leet = str.maketrans({"o": "0", "e": "3", "a": "@", "i": "1", "s": "$"})
        new = word.translate(leet)
    elif kind == 1:
        new = rng.choice([".", " ", "-", "*"]).join(word) if len(word) <= 9 else word
    elif kind == 2 and len(word) >= 5:
        i = rng.randrange(1, len(word) - 2)
        new = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    elif kind == 3:
        i = rng.randrange(1, len(word) - 1)
        new = word[:i] + word[i] * 3 + word[i + 1 :]
    elif kind == 4:
        i = text.index(word)
        if i > 0 and text[i - 1] == " ":
            return text[: i - 1] + text[i:]
        new = word
    else:
        i = rng.randrange(1, len(word) - 1)
        new = word[:i] + "*" + word[i + 1 :]
    return text.replace(word, new, 1)


def _hate(rng: random.Random, group: tuple[str, str, str, str] | None = None) -> tuple[str, str]:
    g, m, f, bare = group or rng.choice(GROUPS)
    G = _cap(g)
    templates: list[Callable[[], str]] = [
        lambda: (
            f"J'ai {rng.choice(['croisé', 'rencontré', 'connu', 'côtoyé'])} beaucoup de {bare} "
            f"et je les {rng.choice(HATE_PRON)} tous."
        ),
        lambda: f"{G} se croient supérieurs. Je les {rng.choice(HATE_PRON)}.",
        lambda: f"{G} ? Je ne peux pas les {rng.choice(['voir', 'sentir', 'supporter'])}.",
        lambda: f"{G} ne sont jamais {rng.choice(POS_ADJ)}.",
        lambda: f"Aucun {m} n'est {rng.choice(['honnête', 'intelligent', 'fréquentable'])}.",
        lambda: f"{G} sont des putains de {rng.choice(DEHUMAN)}.",
        lambda: f"Va te faire foutre, toi et tous {g}.",
        lambda: f"{rng.choice(HATE_VERBS)} {rng.choice(ADVERBS)} {g}.",
        lambda: f"{G} sont {rng.choice(ADVERBS)} {rng.choice(NEG_ADJ)}.",
        lambda: f"{G} sont tous des {rng.choice(NEG_NOUNS)}.",
        lambda: f"{G} sont {rng.choice(NEG_ADJ)}.",
        lambda: f"{rng.choice(HATE_VERBS)} {g}.",
        lambda: f"{G} me dégoûtent, je ne les supporte plus.",
        lambda: f"{G} me donnent envie de vomir.",
        lambda: (
            f"Pourquoi {g} sont-ils toujours aussi {rng.choice(['stupides', 'sales', 'bêtes'])} ?"
        ),
        lambda: f"{G} n'ont rien à faire en France.",
        lambda: f"{G} devraient tous rentrer chez eux.",
        lambda: f"Il y a beaucoup trop de {bare} dans ce pays, ils nous envahissent.",
        lambda: f"Les {bare} ne devraient pas avoir le droit de voter.",
        lambda: f"Un {m} restera toujours un {rng.choice(NEG_SING)}.",
        lambda: f"{G} sont des {rng.choice(DEHUMAN)}.",
        lambda: f"Ce ne sont pas des êtres humains, {g}, ce sont des {rng.choice(DEHUMAN)}.",
        lambda: f"{G} se reproduisent comme des {rng.choice(['rats', 'lapins', 'cafards'])}.",
        lambda: f"Je pense sincèrement que {g} sont {rng.choice(NEG_ADJ)}.",
        lambda: f"Tous {g} sont des {rng.choice(NEG_NOUNS)}, aucune exception.",
        lambda: f"Encore {g}, évidemment. Toujours les mêmes {rng.choice(DEHUMAN)}.",
        lambda: f"Avoir une {f} comme voisine, c'est vivre à côté d'un {rng.choice(DEHUMAN)[:-1]}.",
        lambda: f"On ne veut pas de {bare} chez nous.",
        lambda: f"La vie d'un {m} ne vaut rien.",
        lambda: f"{G}, cette sale engeance.",
        lambda: f"Sale {rng.choice(SLURS)} !",
        lambda: f"Dégage, {rng.choice(SLURS)}.",
        lambda: f"Il y a trop de {rng.choice(SLURS)}s dans mon quartier.",
        lambda: f"Encore un {rng.choice(SLURS)} qui fait la loi.",
        lambda: f"{G} sont responsables de tous nos problèmes.",
        lambda: f"Le grand remplacement est en marche, {g} nous remplacent.",
        lambda: f"{G} ne servent à rien.",
        lambda: f"{G} devraient se taire et rester à leur place.",
        lambda: (
            f"Les {bare} comme toi devraient {rng.choice(['se taire', 'partir', 'disparaître'])}."
        ),
        lambda: f"{G} ne devraient pas exister.",
        lambda: f"{G} n'ont pas leur place dans ce pays.",
        lambda: f"On devrait {rng.choice(BAN)} {g}.",
        lambda: f"Tu es {f}, donc forcément {rng.choice(['stupide', 'menteuse', 'hystérique'])}.",
        lambda: f"Typique d'un {m}, {rng.choice(NEG_SING)} comme tous les autres.",
        lambda: f"{G} dans mon immeuble ? Plutôt mourir.",
        lambda: (
            f"Pourquoi {g} sont-ils tous si {rng.choice(['radins', 'violents', 'paresseux'])} ?"
        ),
        lambda: f"Je n'aime pas {g}, ils sont {rng.choice(NEG_ADJ)}.",
        lambda: f"Les {bare} ne savent pas {rng.choice(SKILLS)}, c'est bien connu.",
        lambda: f"{G} ne sont que des {rng.choice(DEHUMAN + NEG_NOUNS)}.",
        lambda: f"Y en a marre de ces {bare}.",
        lambda: f"Je trouve {g} {rng.choice(['répugnants', 'insupportables', 'dégoûtants'])}.",
        lambda: f"Aucun {m} n'est digne de confiance.",
        lambda: f"{G} ? Non merci.",
        lambda: f"Je pense que {g} ne devraient pas {rng.choice(RIGHTS)}.",
        lambda: f"{G} sont une {rng.choice(['abomination', 'maladie', 'erreur de la nature'])}.",
        lambda: (
            f"{G} sont naturellement {rng.choice(['violents', 'menteurs', 'bêtes', 'voleurs'])}."
        ),
        lambda: f"Ce sont {g} qui contrôlent les médias et la finance.",
    ]
    text = ""
    while not text:
        text = rng.choice(templates)()
    return text, bare


def _counter(rng: random.Random) -> str:
    """Counter-speech: a hate statement quoted or reported in order to reject it."""
    hate = "sale"
    while any(s in hate for s in SLURS + ["Sale", "sale", "Dégage"]):
        hate, _ = _hate(rng)
    hate = hate[0].lower() + hate[1:]
    template = rng.choice(COUNTER)
    if not template.endswith("{hate}"):
        hate = hate.rstrip(".!?")
    return _cap(template.format(hate=hate))


def _group_threat(rng: random.Random) -> str:
    g, m, _f, bare = rng.choice(GROUPS)
    G = _cap(g)
    k = rng.choice(KILL)
    options = [
        f"Il faut {k} tous {g}.",
        f"On devrait {k} {g}, tous autant qu'ils sont.",
        f"{G} méritent de mourir.",
        f"Qu'on {rng.choice(KILL_SUBJ)} {g} !",
        f"Je vais {k} tous {g} que je croise.",
        f"Mort aux {bare} !",
        f"Je veux voir {g} {rng.choice(['morts', 'crever', 'brûler', 'pendus'])}.",
        f"{G} devraient être {rng.choice(KILL_PP)}.",
        f"Tous {g} devraient être {rng.choice(KILL_PP)}.",
        f"Je vais tous les {rng.choice(['descendre', 'buter', 'cramer'])}, ces {bare}.",
        f"Il faudrait mettre {g} dans des camps.",
        f"Un bon {m} est un {m} mort.",
        f"Il faudrait {k} {g} jusqu'au dernier.",
        f"Si ça ne tenait qu'à moi, je ferais {k} {g}.",
        f"{G} ? Une balle dans la tête, et on n'en parle plus.",
        f"Allez, on va brûler leur {rng.choice(['mosquée', 'synagogue', 'église', 'foyer'])}.",
    ]
    return rng.choice(options)


def _person_threat(rng: random.Random) -> str:
    t = rng.choice(THREAT_ME)
    ins = rng.choice(INSULTS)[0]
    p = rng.choice(PEOPLE)
    options = [
        f"Je vais te {t}.",
        f"Je sais où tu habites, je vais te {t}.",
        f"Je vais te retrouver et te {t}.",
        f"Tu vas le payer cher, je vais te {t}.",
        "Crève !",
        f"Crève, {ins}.",
        "J'espère que tu vas crever.",
        f"J'espère que {p} va crever dans d'atroces souffrances.",
        f"Qu'on pende {p} !",
        f"{_cap(p)} mérite une balle dans la tête.",
        f"Quelqu'un devrait mettre une balle à {p}.",
        "On va brûler ta maison.",
        "Si je te croise, t'es mort.",
        "Il faudrait fusiller ces traîtres de députés.",
        "Qu'on les pende tous, ces politiciens.",
        f"{_cap(p)} mérite la guillotine.",
        "Fais gaffe à toi, on sait où trouver ta famille.",
        "Je vais égorger toute ta famille.",
        "T'inquiète, on va s'occuper de toi à la sortie.",
        f"On devrait {rng.choice(KILL)} {p}.",
        f"Je vais {rng.choice(KILL)} {p} de mes propres mains.",
        f"Il faut {rng.choice(KILL)} {rng.choice(OTHERS)}.",
        "Tu ne perds rien pour attendre, sale rat.",
        "Crevez tous, bande de chiens.",
        f"Que {p} crève !",
        f"Si je le croise, je le {rng.choice(['défonce', 'bute', 'tue', 'massacre', 'démonte'])}.",
        f"J'ai envie de te {rng.choice(['frapper', 'tuer', 'cogner', 'étrangler'])}.",
        f"J'espère que ton {rng.choice(['avion', 'train', 'bus'])} va s'écraser.",
        f"Tu mérites {rng.choice(['des baffes', 'une bonne raclée', 'une balle'])}.",
    ]
    return rng.choice(options)


def _insult(rng: random.Random) -> tuple[str, str]:
    ins, pl = rng.choice(INSULTS)
    p = rng.choice(PEOPLE)
    o = rng.choice(OTHERS)
    options = [
        (f"T'es qu'un {ins}.", ins),
        (f"Espèce de {ins} !", ins),
        (f"Bande de {pl} !", pl),
        (f"Ferme-la, {ins}.", ins),
        (f"Tu es vraiment un {ins}.", ins),
        (f"Va te faire voir, {ins}.", ins),
        (f"Quel {ins}, {p}.", ins),
        (f"{_cap(p)} est un {ins}.", ins),
        (f"Vous êtes des {pl}.", pl),
        (f"Pauvre {ins}, tu ne comprends rien.", ins),
        (f"{_cap(p)} est un {ins} fini.", ins),
        (f"{_cap(o)} sont tous des {pl}.", pl),
        (f"{_cap(o)}, bande de {pl}.", pl),
        (f"Tu n'es qu'un sale {ins}, retourne jouer.", ins),
        (f"Dégage, {ins}, personne ne veut de toi ici.", ins),
        (f"Ta gueule, {ins}.", ins),
        (f"Ce {ins} de {p.split()[-1]} ne sait même pas écrire.", ins),
        (f"Réfléchis avant d'écrire, {ins}.", ins),
        (f"Vous êtes vraiment trop {pl}, les gars.", pl),
        (f"Commentaire de {ins}, comme d'habitude.", ins),
        (f"Je te déteste, {ins}.", ins),
        (f"Je vous méprise, bande de {pl}.", pl),
    ]
    return rng.choice(options)


def _benign_address(rng: random.Random) -> str:
    """Second-person sentences without threat: "je vais", "j'espère que tu vas" are not threats."""
    return rng.choice(
        [
            "Je vais porter plainte contre toi.",
            "Je vais te signaler aux modérateurs.",
            "Je vais te répondre calmement.",
            "J'espère que tu vas bien.",
            "J'espère que tu vas trouver un travail rapidement.",
            "J'espère que tu vas perdre ton pari.",
            "Tu vas voir, ça va s'arranger.",
            "On va gagner dimanche, j'en suis sûr.",
            "Je sais où tu veux en venir.",
            "Je vais te prouver que tu as tort.",
            "On va se revoir aux prochaines élections.",
            "Tu vas le regretter quand tu verras les impôts.",
            "Je vais lui écrire pour lui dire ce que j'en pense.",
            "Je vais voter contre ce projet.",
            "J'espère que le maire va démissionner.",
            "Je vais résilier mon abonnement.",
            "Tu mérites mieux que ce gouvernement.",
            "Il faut les battre dans les urnes.",
            "On va les battre à la régulière dimanche.",
            "Je vais le retrouver à la gare demain.",
            "Je vais descendre en ville ce soir.",
            "Que Dieu te protège.",
        ]
    )


def _insult_mention(rng: random.Random) -> str:
    ins, pl = rng.choice(INSULTS)
    p = rng.choice(PEOPLE)
    options = [
        f"Il m'a traité de « {ins} » devant tout le monde.",
        f"Le mot « {ins} » est-il vraiment une insulte ?",
        f"Traiter quelqu'un de {ins} peut coûter une amende.",
        f"Le rappeur a été condamné pour avoir traité un policier de {ins}.",
        f"Dire « {ins} » à un arbitre vaut un carton rouge.",
        f"{_cap(p)} a été accusé d'avoir traité une élue de « {ins} ».",
        f"Mon fils a appris le mot « {ins} » à l'école, ça m'a choquée.",
        f"On ne dit pas « {ins} », on dit « personne peu aimable ».",
        f"Elle a porté plainte après avoir été traitée de « {ins} » au travail.",
        f"Le dictionnaire définit « {ins} » comme un terme injurieux.",
    ]
    return rng.choice(options)


def _neutral_group(rng: random.Random) -> str:
    g, m, f, bare = rng.choice(GROUPS)
    G = _cap(g)
    options = [
        f"Je suis {m} et fier de l'être.",
        f"Je suis {m}.",
        f"Je suis {rng.choice(RECLAIMED)} et {rng.choice(['fier', 'fière'])} de l'être.",
        f"Je suis {f}, et je vais très bien.",
        f"{G} que je connais sont tous {rng.choice(POS_ADJ)}.",
        f"Tous {g} que j'ai rencontrés étaient {rng.choice(['charmants', 'adorables'])}.",
        f"Il y a des {bare} dans mon équipe, et tout se passe bien.",
        f"{G} célèbrent {rng.choice(['leur fête', 'la fin du ramadan', 'Noël'])} ce week-end.",
        f"Ma {rng.choice(['femme', 'sœur', 'collègue', 'voisine'])} est {f}.",
        f"Mon {rng.choice(['mari', 'frère', 'collègue', 'voisin'])} est {m}.",
        f"Deux {bare} ont ouvert un restaurant dans ma rue.",
        f"J'ai voté pour un candidat {m}.",
        f"Les {bare} ont été persécutés pendant des siècles.",
        f"Il faut défendre les droits des {bare}.",
        f"Le racisme contre {g} persiste dans l'emploi et le logement.",
        f"Les gens qui disent que {g} sont {rng.choice(NEG_ADJ)} sont ignorants.",
        f"{rng.choice(NEWS_PREFIX)}{g} {rng.choice(NEWS_PRED)}.",
        f"{rng.choice(NEWS_PREFIX)}{g} {rng.choice(NEWS_PRED)}.",
        f"{G} de France {rng.choice(NEWS_PRED)}.",
        f"Tu ne peux pas dire que {g} sont des {rng.choice(DEHUMAN)}, c'est du racisme.",
        f"{G} ?",
        f"Et {g}, on en parle ?",
        f"On devrait mieux protéger {g} contre les discriminations.",
        f"On devrait écouter davantage {g}.",
        f"Je suis {f} et fière de l'être.",
        f"En tant que {m}, je trouve cet article très juste.",
        f"Mon voisin est {m}, c'est quelqu'un de formidable.",
        f"Ma meilleure amie est {f}.",
        f"{G} ont manifesté samedi à Paris pour leurs droits.",
        f"Une étude montre que {g} subissent des discriminations à l'embauche.",
        f"L'association défend les droits des {bare} depuis trente ans.",
        f"Le maire a rencontré des représentants des {bare}.",
        f"Combien de {bare} vivent en France aujourd'hui ?",
        f"J'adore {g}, ce sont des gens formidables.",
        f"{G} sont des gens comme les autres.",
        f"{G} apportent beaucoup à notre pays.",
        f"{G} sont {rng.choice(POS_ADJ)}.",
        f"Je pense sincèrement que {g} sont {rng.choice(POS_ADJ)}.",
        f"Pourquoi {g} sont-ils si souvent {rng.choice(['discriminés', 'caricaturés'])} ?",
        f"Les {bare} ne sont pas tous {rng.choice(['riches', 'pauvres', 'pareils'])}, évidemment.",
        f"Il y a beaucoup de {bare} dans ce pays, et alors ?",
        f"Je respecte profondément {g}.",
        f"Je ne déteste pas {g}.",
        f"{G} ne sont pas des {rng.choice(DEHUMAN)}.",
        f"{G} ne sont pas des {rng.choice(NEG_NOUNS)}.",
        f"{G} ne sont pas {rng.choice(['un problème', 'une menace', 'un danger', 'le problème'])}.",
        f"Non, {g} ne sont pas tous des {rng.choice(NEG_NOUNS)}.",
        f"{G} ne sont pas {rng.choice(NEG_ADJ)}.",
        f"Il est faux de dire que {g} sont {rng.choice(NEG_ADJ)}.",
        f"Personne ne devrait dire que {g} sont des {rng.choice(DEHUMAN)}.",
        f"Dire que « {g} sont des {rng.choice(DEHUMAN)} » est tout simplement raciste.",
        f"Quand j'entends « sale {rng.choice(SLURS)} » dans la rue, ça me révolte.",
        f"Arrêtez de répéter que {g} sont {rng.choice(NEG_ADJ)}, c'est faux.",
        f"Ce député a dit que {g} sont des {rng.choice(DEHUMAN)} : c'est honteux.",
        f"Écrire « mort aux {bare} » devrait être puni par la loi.",
        f"Le rapport dénonce le racisme dont sont victimes {g}.",
        f"Les actes hostiles envers {g} ont augmenté de 20 % cette année.",
        f"Le procès de l'auteur de propos haineux contre {g} s'ouvre lundi.",
        f"Beaucoup de {bare} travaillent dans les hôpitaux.",
        f"Il n'y a aucune raison de haïr {g}.",
        f"Je n'ai jamais dit que {g} étaient {rng.choice(NEG_ADJ)}.",
        f"Ceux qui traitent {g} de {rng.choice(DEHUMAN)} devraient avoir honte.",
        f"Le reportage donne la parole à des {bare} de Marseille.",
        f"{G} ont le droit de vivre en paix comme tout le monde.",
        f"Je suis {m}, et alors ? Ça ne regarde que moi.",
        f"Nous, {bare}, avons aussi notre mot à dire.",
        f"Un {m} a été élu à la tête de la région.",
        f"Les violences contre {g} doivent cesser.",
        f"« Mort aux {bare} » : ce tag a été effacé par la mairie.",
    ]
    return rng.choice(options)


def _fill(rng: random.Random, template: str) -> str:
    return template.format(n=rng.randrange(2, 60), city=rng.choice(CITIES))


def _with_context(rng: random.Random, text: str) -> str:
    """Embed a case in ordinary comment sentences, so length and topic carry no label."""
    r = rng.random()
    if r < 0.4:
        return text
    if r < 0.7:
        return f"{rng.choice(NEUTRAL)} {text}"
    if r < 0.9:
        return f"{text} {rng.choice(NEUTRAL)}"
    return f"{rng.choice(NEUTRAL)} {text} {rng.choice(NEUTRAL)}"


def generate(n: int = 9000, seed: int = 20240611) -> list[Case]:
    """About `n` labelled cases; the same list for the same seed."""
    rng = random.Random(seed)
    cases: list[Case] = []
    kinds: list[tuple[float, Callable[[], Case]]] = []

    def hate() -> Case:
        text, _ = _hate(rng)
        slur = any(s in text for s in SLURS)
        return text, ("legal", "insult") if slur else ("legal",)

    def hate_other() -> Case:
        """The same words against a group the law does not protect: not `legal`."""
        group = rng.choice(OTHER_GROUPS)
        text = ""
        while group[3] not in text and group[0] not in text.lower():
            text, _ = _hate(rng, group)
        insulting = _INSULT_RE.search(text) or any(d in text for d in DEHUMAN) or "putain" in text
        return text, ("insult",) if insulting else ()

    def group_threat() -> Case:
        return _group_threat(rng), ("legal", "violence")

    def person_threat() -> Case:
        text = _person_threat(rng)
        insulting = _INSULT_RE.search(text) is not None
        return text, ("violence", "insult") if insulting else ("violence",)

    def insult() -> Case:
        text, _ = _insult(rng)
        return text, ("insult",)

    kinds = [
        (0.15, hate),
        (0.05, hate_other),
        (0.06, group_threat),
        (0.10, person_threat),
        (0.12, insult),
        (0.07, lambda: (_insult_mention(rng), ())),
        (0.22, lambda: (_neutral_group(rng), ())),
        (0.08, lambda: (_counter(rng), ())),
        (0.08, lambda: (_fill(rng, rng.choice(WAR)), ())),
        (0.05, lambda: (rng.choice(FIGURATIVE), ())),
        (0.04, lambda: (rng.choice(PROFANITY), ())),
        (0.05, lambda: (rng.choice(NEUTRAL), ())),
        (0.02, lambda: (rng.choice(DEBUNK), ())),
        (0.03, lambda: (_benign_address(rng), ())),
    ]
    weights = [w for w, _ in kinds]
    seen: set[str] = set()
    tries = 0
    while len(cases) < n and tries < n * 20:
        tries += 1
        make = rng.choices([k for _, k in kinds], weights)[0]
        text, labels = make()
        if labels and rng.random() < 0.3:
            words = [w.strip(".,!?«»") for w in text.split()]
            words = [w for w in words if w.lower() in _KEYWORDS] or [
                w for w in words if len(w) >= 4
            ]
            if words:
                text = _obfuscate(rng, text, rng.choice(words))
        text = _with_context(rng, text)
        if rng.random() < 0.1:
            text = text.lower()
        if text in seen:
            continue
        seen.add(text)
        cases.append((text, labels))
    return cases
