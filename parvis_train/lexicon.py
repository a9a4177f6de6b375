"""The reviewed lexicon's sources: the hand-written lists and `build_lexicon()`.

`build_lexicon()` (run by `make model`) merges the two public word lists (darwiin MIT,
LDNOOBW CC BY 4.0) with the hand-written lists below, drops the words that are ordinary
in other senses, moves slurs to `legal`, adds inflections and spelling variants and
writes `parvis/moderation/data/lexicon.json`, which the server loads
(`parvis.moderation.lexicon`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

from parvis.moderation.normalize import fold, skeleton


def _terms(text: str) -> list[str]:
    return [" ".join(t.split()) for t in text.split(",") if t.strip()]


# Words of the source lists that are ordinary in other senses, too mild, regional
# nicknames or not insults at all.
DROP = set(
    _terms(
        """baiser, bander, bourre, bourree, calice, coche, courtaud, crouton, epais, folle,
        gerbe, gerber, gland, gueule, jouir, magot, manche, pet, peter, punaise, sale,
        tanche, trique, pipi, caca, zizi, clitoris, clito, cricri, drouille, goi, godon,
        fritz, kraut, rosbif, moinaille, monacaille, marchandot, patarin, pecque, ripopee,
        stearique, xeropineur, robespierrot, margouilliste, glandouillou, gouilland,
        sottiseux, teteux, niaiseux, miserable, suce, trainee, pouf, vier, cacou, chachar,
        pounde, boukak, gnoule, gnoul, meuf, menage a trois, caldoche, bourdille, counifle,
        lacheux, gueniche, guindoule, gaupe, pissou, porcas, chnoque, crotte, yeule, noune,
        kikoo, kikou, malpt, gdm, tebe, emmerdant, couillonner, conchier, deconner, deconne,
        demerder, emmerder, emmanche, empafe, bitembois, bigornette, bloblos, brouter le
        cresson, panoufle, chauffard, peteux, pisseux, pisser, chieur, chieurs, brackmard,
        zigounette, zguegue, turlute, ramoner, palucher, tringler, troncher, niquer,
        branlage, gourde, grande folle, envaselineur, satrouille, viedase, criss, crisse,
        cul, demeure"""
    )
)

SLURS = {
    # racist, antisemitic, homophobic or xenophobic insults: the `legal` rule
    "slur": _terms(
        """bougnoul, bougnoule, bougnoulie, bougnoulisation, bougnouliser, bounioul, bicot,
        crouille, crouillat, negre, negresse, negro, moricaud, bamboula, chinetoque, chinetoc,
        chintok, niakoue, youpin, youpine, youpinisation, youtre, youd, pakos, cafre, makoume,
        tafiole, tarlouze, tantouze, tantouserie, pede, pd, fiotte, gouine, travelo, bicots,
        enjuive, juiverie, sous-race, sale juif, sale arabe, sale noir, sale negre,
        sales juifs, sales arabes, sales noirs, sale musulman, sales musulmans, sale pede,
        sale gouine, sale bougnoule, sale immigre, sales immigres, sale migrant,
        sales migrants, sale race"""
    ),
    "slur_weak": _terms(
        """raton, tapette, pedale, espingoin, chleuh, schleu, boche, rital, polak, bride,
        macaque, romano, lopette"""
    ),
}

INSULTS = {
    "insult": _terms(
        """abruti, abrutie, avorton, batard, biatch, bouffon, bouffonne, branleur, branleuse,
        casse-couille, casse-couilles, chiennasse, conard, connard, connarde, connasse,
        conasse, couillon, crevard, crevure, cretin, cretine, ducon, duconnot,
        enculee, encule, enculeur, enflure, enfoire, enfoiree, etron, fdp, feignasse,
        fille de pute, fils de pute, garce, glandu, gogol, grognasse, grogniasse, imbecile,
        jean-foutre, la putain de ta mere, mange-merde, merdaille, merdaillon, merdeuse,
        merdeux, moins-que-rien, nique ta mere, nique ta race, ntm, petasse, pignouf,
        pouffiasse, poufiasse, queutard, raclure, sac a foutre, sac a merde,
        salaud, salop, salopard, salope, sous-merde, tocard, trou du cul, trouduc, truiasse,
        vide-couilles, cassos, trou de balle, tete de con, fils de chien, pauvre con,
        pauvre conne, gros con, grosse conne, sale con, petit con, vieux con, duschnock,
        schnock, schnoque, du schnoc, ta gueule, ferme ta gueule, fermez vos gueules,
        va te faire foutre, allez vous faire foutre, va te faire enculer, va chier,
        sombre idiot, triple buse, dechet humain, espece de con, bande de cons,
        tas de merde, petite merde, sale merde, gros porc, grosse vache, sale porc, grosse truie"""
    ),
    "insult_weak": _terms(
        """con, cons, conne, connes, andouille, nase, naze, minable, minus, plouc, beauf,
        bouseux, lavette, mauviette, sagouin, vaurien, pleutre, guignol, clown, blaireau,
        pequenaud, branque, chieuse, emmerdeur, emmerdeuse, glandeur, glandeuse, pimbeche,
        empapaoute, porc, truie, vieille peau, boulet, debile mental, trisomique, abruti fini,
        cloporte, larbin, buse, cruche, dinde, niais, niaise, pute, putes, idiot, idiote,
        debile, ordure, pourriture, mongol, mongolien, tare, taree"""
    ),
    "profanity": _terms(
        """putain, putin, merde, bordel, chier, chiottes, chiasse, cul, couille, couilles,
        foutre, bite, bitte, branler, branlette, chatte, nique, zob, teub, teube, teuch,
        cramouille, tabarnak, osti, viarge, fouteur, enculer, deguelasse,
        degueulasse, saloperie, merdouillard, sent-la-pisse, pousse-crotte, brise-burnes,
        casse-bonbon, bordel de merde, putain de merde, fait chier, ca fait chier"""
    ),
}

DEHUMAN = _terms(
    """rat, rats, cafard, cafards, vermine, vermines, parasite, parasites, animal, animaux,
    singe, singes, sous-homme, sous-hommes, betes, sauvages, dechets, ordures, porcs, chiens,
    microbes, virus, cancer, gangrene, nuisibles, racaille, racailles, barbares,
    envahisseurs, hordes, sangsues, cloportes, bestiaux, primates, chimpanzes, gorilles,
    pouilleux, sous-humains, termites, sous-humain, cancrelats"""
)

GROUPS = _terms(
    """musulman, musulmane, musulmans, musulmanes, juif, juive, juifs, juives, noir, noire,
    noirs, noires, arabe, arabes, immigre, immigree, immigres, immigrees, migrant, migrante,
    migrants, migrantes, refugie, refugiee, refugies, refugiees, femme, femmes, homosexuel,
    homosexuelle, homosexuels, homosexuelles, gay, gays, lesbienne, lesbiennes, trans,
    transgenre, transgenres, bisexuel, bisexuels, handicape, handicapee, handicapes,
    handicapees, roms, rom, tsigane, tsiganes, gitan, gitans, gitane, asiatique, asiatiques,
    chinois, chinoise, chinoises, africain, africaine, africains, africaines, maghrebin,
    maghrebins, maghrebine, maghrebines, etranger, etrangers, etrangere, etrangeres, islam,
    chretien, chretiens, chretienne, catholique, catholiques, israelite, israelites, blacks,
    black, beurs, beur, rebeu, rebeus, renois, feujs, feuj, sionistes, sioniste, autistes,
    personnes trans, lgbt, homos, homo, infirmes, aveugles, sourds, transsexuels,
    transsexuelle, noirs de peau"""
)

# Hate and conspiracy formulas (written by the Parvis team), matched on whole words of
# the normalised text; common misspellings included.
TROPES = _terms(
    """grand remplacement, le remplacement des blancs, remigration, lobby juif,
    lobby sioniste, lobbys juifs, complot juif, complo juif, complot sioniste,
    juifs controlent, juifs dirigent, sionistes controlent, les juifs sont partout, zog,
    shoah business, shoahnanas, shoananas, shoa business, race inferieure,
    races inferieures, race superieure, untermensch, islamisation de la france,
    invasion migratoire, invasion musulmane, invasion africaine, eurabia,
    judeo-bolchevique, judeo-bolcheviques, judeomaconnique, judeo-maconnique,
    heil hitler, sieg heil, hitler avait raison, hitler n'a pas fini, hitler aurait du finir,
    fallait tous les gazer, ratonnade, white power, la france aux francais,
    la france aux blancs, europe blanche, purete de la race, l'holocauste n'a jamais existe,
    la shoah n'a jamais existe, chambres a gaz sont un mythe,
    chambres a gaz n'ont jamais existe, mythe de l'holocauste, mensonge de l'holocauste,
    un detail de l'histoire, retourne dans ton pays, retournez dans votre pays,
    retourne dans ton bled, retournez dans vos pays, rentrez chez vous,
    dehors les arabes, dehors les migrants, dehors les immigres,
    la place des femmes est a la cuisine, les femmes a la cuisine, pas des vrais francais"""
)

_TERM_RE = re.compile(r"[a-z0-9]+")


def _norm_phrase(term: str) -> str:
    """The lookup key of a term: folded, words joined by one space, repeats cut."""
    return " ".join(skeleton(w) for w in _TERM_RE.findall(fold(term)))


def _inflect(term: str) -> set[str]:
    if " " in term or "-" in term:
        return {term}
    forms = {term}
    if term.endswith("ard"):
        forms |= {term + "e", term + "s", term + "es", term[:-3] + "asse"}
    elif term.endswith("eur"):
        forms |= {term + "s", term[:-1] + "se", term[:-1] + "ses"}
    elif term.endswith("on"):
        forms |= {term + "s", term + "ne", term + "nes"}
    elif term.endswith(("e", "s", "x")):
        forms |= {term + "s"} if term.endswith("e") else set()
    else:
        forms |= {term + "s", term + "e", term + "es"}
    return forms


def _transpositions(word: str) -> set[str]:
    return {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(1, len(word) - 1)}


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(1, len(word))} if len(word) >= 7 else set()


def _clean_vocabulary(data_dir: Path) -> set[str]:
    """Words of well-edited French: spelling variants that collide with them are dropped."""
    vocab: set[str] = set()
    for rel in ("ud_french_gsd/sentences.jsonl", "ud_french_sequoia/sentences.jsonl"):
        for line in (data_dir / rel).read_text("utf-8").splitlines():
            vocab.update(skeleton(w) for w in _TERM_RE.findall(fold(json.loads(line)["text"])))
    return vocab


def build_lexicon(data_dir: Path, out: Path | None = None) -> dict[str, str]:
    """Return {lookup key: category} and write it to `data/lexicon.json`."""
    raw: set[str] = set()
    for rel in ("lexicon_darwiin/french_badwords.jsonl", "lexicon_ldnoobw/fr.jsonl"):
        for line in (data_dir / rel).read_text("utf-8").splitlines():
            raw.add(" ".join(_TERM_RE.findall(fold(json.loads(line)["term"]).translate(_UNLEET))))
    categories: dict[str, str] = {}
    vocab = _clean_vocabulary(data_dir)

    def add(terms: Iterable[str], category: str) -> None:
        for t in terms:
            t = " ".join(t.split())
            if not t:
                continue
            base = " ".join(_TERM_RE.findall(fold(t)))
            if category in {"group", "dehuman", "trope"}:
                forms = {base}
            elif category in {"insult_weak", "slur_weak"}:
                # plural only: feminine forms of weak words are often other words ("boulette")
                forms = {base, base + "s"} if " " not in base and base[-1] not in "sx" else {base}
            else:
                forms = _inflect(base)
            for form in forms:
                key = _norm_phrase(form)
                # an inflected form that is an ordinary word ("boulette", "rate") is left out
                if form != base and key in vocab:
                    continue
                if key and key not in categories:
                    categories[key] = category

    # The hand-reviewed lists win over the raw lists.
    add(TROPES, "trope")
    add(SLURS["slur"], "slur")
    add(SLURS["slur_weak"], "slur_weak")
    add(INSULTS["insult"], "insult")
    add(INSULTS["insult_weak"], "insult_weak")
    add(INSULTS["profanity"], "profanity")
    add(DEHUMAN, "dehuman")
    add(GROUPS, "group")
    add((t for t in raw if t not in DROP and _norm_phrase(t) not in _DROP_KEYS), "insult_weak")

    for key, cat in list(categories.items()):
        long_enough = len(key) >= (5 if cat in {"group", "dehuman"} else 6)
        if cat in {"insult", "slur", "group", "dehuman"} and " " not in key and long_enough:
            for v in _transpositions(key) | _deletions(key):
                if v not in vocab and v not in categories:
                    categories[v] = cat
    if out is not None:
        out.write_text(json.dumps(dict(sorted(categories.items())), ensure_ascii=False, indent=0))
    return categories


_UNLEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "@": "a", "$": "s", "!": "i"}
)
_DROP_KEYS = {_norm_phrase(t) for t in DROP}
