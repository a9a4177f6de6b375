"""Hand-written patterns on normalised text: threats, and how an insult is used.

All patterns work on the output of `normalize()` (lowercase, accents folded).
"""

from __future__ import annotations

import re

_HARM = (
    r"(?:tuer|buter|crever|egorger|massacrer|defoncer|retrouver|planter|flinguer|saigner|"
    r"bruler|pendre|cramer|exterminer|eclater|casser (?:la gueule|les dents|les jambes)|"
    r"demolir|deglinguer|etrangler|noyer|achever|faire la peau|faire payer|"
    r"regler (?:son|ton|leur|votre) compte|briser|trancher|decapiter|abattre|lyncher|violer|"
    r"fusiller|gazer|eliminer|executer|guillotiner|torturer|poignarder|lapider|"
    r"crever les yeux|arracher|eventrer|bombarder|tabasser|fumer|descendre|refroidir|dezinguer|"
    r"euthanasier|steriliser|deporter|atomiser)"
)
_HARM_PP = (
    r"(?:tue|pendu|fusille|gaze|extermine|brule|abattu|elimine|egorge|massacre|execute|"
    r"guillotine|lynche|lapide|decapite|torture|bute|noye|euthanasie|sterilise|deporte|"
    r"crame|fusille|descendu|flingue|passe a tabac)(?:e|s|es)?"
)
_OBJ = (
    r"(?:te |t'|vous |le |la |l'|les |lui |leur |tous les |toutes les |tous |ces |cette |ce |"
    r"ta |ton |tes )"
)

THREATS: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            rf"\b(?:je|j'|on|nous|ils|mes potes)\s*(?:vais|va|vas|allons|vont|vai) (?:aller )?"
            rf"{_OBJ}?(?:\w+ )?{_HARM}\b"
        ),
        "Menace",
    ),
    (
        re.compile(
            rf"\b(?:il faut|il faudrait|il faudra|faut|faudrait|faudra|fallait|on devrait|on doit|"
            rf"devrait|devraient|faudrait les|faut les) {_OBJ}?(?:\w+ )?{_HARM}\b"
        ),
        "Appel à la violence",
    ),
    (
        re.compile(
            rf"\b(?:merite|meritent|meriterait|meriteraient) "
            rf"(?:de mourir|la mort|d'etre {_HARM_PP}|"
            r"une balle|la guillotine|la corde|le bucher|la potence|de crever)"
        ),
        "Appel à la violence",
    ),
    (
        re.compile(
            r"\bqu'(?:on|ils?|elles?) (?:les |le |la |l')?(?:pende|pendent|tue|tuent|brule|brulent|"
            r"fusille|gaze|extermine|massacre|abatte|noie|egorge|bute|creve|crevent|meure|meurent|"
            r"crame|lynche|execute|decapite)\b"
        ),
        "Appel à la violence",
    ),
    (
        re.compile(
            r"\b(?:que|qu') ?[\w' ]{0,30} (?:creve|crevent|meure|meurent|creveront|mourront)\b"
        ),
        "Souhait de mort",
    ),
    (
        re.compile(r"(?:^|[.!?,;:] *|\bet )(?:creve|crevez|crevent|meurs|mourez)\b(?! de )"),
        "Souhait de mort",
    ),
    (
        re.compile(
            r"\b(?:je|j'|on|nous) ?(?:te |t'|vous |le |la |l'|les )(?:tue|bute|egorge|retrouve|"
            r"defonce|massacre|creve|eclate|brule|pende|flingue|frappe|cogne|plante|etrangle|"
            r"detrui|fume|descend|demoli|ferai la peau|ferons la peau)r?(?:ai|a|ons)\b"
        ),
        "Menace",
    ),
    (
        re.compile(
            r"\b(?:va|allez) (?:mourir|crever|te pendre|vous pendre)\b|"
            r"\btue(?:z)?[- ](?:toi|vous)\b|"
            r"\bsuicide(?:z)?[- ](?:toi|vous)\b|\b(?:te|vous) foutre en l'air\b|"
            r"\bfoutez[- ]vous en l'air\b|\bpourquoi tu ne (?:meurs|creves?) pas\b|"
            r"\b(?:merite|merites|meritez|meritent) pas d'etre en vie\b|"
            r"\b(?:merite|merites|meritez|meritent) la pire des morts\b"
        ),
        "Souhait de mort",
    ),
    (
        re.compile(
            r"\bregardez? (?:par-dessus|derriere) (?:ton|votre) epaule\b|"
            r"\b(?:des choses|des trucs|quelque chose de) (?:mauvai|terrible|grave)\w* "
            r"(?:va|vont) (?:t'|vous )arriver\b|"
            r"\btirer sur (?:toi|vous|des gens comme (?:toi|vous))\b|"
            r"\b(?:tu vas|vous allez) (?:te |vous )?prendre (?:une|des) (?:grosse |bonne )?"
            r"(?:claque|claques|baffe|baffes|balle|balles|raclee|branlee)\b|"
            r"\bmettre en pieces\b|\bmeter en pieces\b"
        ),
        "Menace",
    ),
    (
        re.compile(
            r"\bj'espere (?:que |qu')(?:tu|vous|il|elle|ils|elles|\w+) (?:va |vas |vont |allez )?"
            r"(?:crever|mourir|creve|creves|crevent|meure|meures|meurent|crevera|mourra|souffrir|"
            r"souffre|souffrira|pourrir|pourrisse|pourrissent|sauter|brule|bruler)\b"
        ),
        "Souhait de mort",
    ),
    (re.compile(r"\b(?:mort aux|a mort les|a mort le|a mort la|a mort l')\b"), "Appel au meurtre"),
    (
        re.compile(
            r"\bune balle (?:dans (?:la tete|le crane|la nuque|le dos)|entre les deux yeux)\b"
        ),
        "Menace",
    ),
    (
        re.compile(
            r"\b(?:je sais|on sait) ou (?:tu|t'|vous|il|elle) "
            r"(?:habites?|vit|vis|vivez|bosses?|travailles?|dors)\b"
        ),
        "Menace",
    ),
    (re.compile(r"\bon sait ou trouver\b"), "Menace"),
    (
        re.compile(
            rf"\b(?:devrait|devraient|doit|doivent|meritent d'|merite d')(?: tous| toutes)? ?"
            rf"(?:etre|etre tous|etre toutes) {_HARM_PP}\b"
        ),
        "Appel à la violence",
    ),
    (
        re.compile(
            r"\b(?:tu merites|vous meritez|il merite|elle merite|ils meritent) "
            r"(?:des baffes|une baffe|une claque|des claques|une raclee|une correction|des coups)\b"
        ),
        "Menace",
    ),
    (
        re.compile(
            r"\b(?:je|on) (?:le |la |l'|te |t'|vous |les )(?:defonce|bute|tue|frappe|egorge|"
            r"massacre|cogne|eclate|creve|demonte|plante|fume|brule|crame|flingue|etrangle)\b"
            r"(?! a petit feu)"
        ),
        "Menace",
    ),
    (
        re.compile(
            r"\benvie de (?:te |t'|le |la |l'|les |vous |lui )(?:tuer|frapper|cogner|etrangler|"
            r"buter|defoncer|egorger|massacrer|cramer|bruler|planter)\b"
        ),
        "Menace",
    ),
    (re.compile(r"\b(?:t'es|tu es|vous etes|t'as interet|t es) (?:un homme )?morts?\b"), "Menace"),
    (
        re.compile(
            r"\b(?:tu vas|vous allez|tu va) (?:le |la )?"
            r"(?:regretter|payer|souffrir|morfler|prendre cher|crever|mourir|saigner)\b"
        ),
        "Menace",
    ),
    (
        re.compile(r"\bdans (?:des|les) camps\b|\bau four\b|\ba la chambre a gaz\b|\bau bucher\b"),
        "Appel à la violence",
    ),
    (re.compile(r"\bfaire la peau\b|\bon aura (?:ta|leur|sa|votre) peau\b"), "Menace"),
    (
        re.compile(r"\b(?:on|je) va(?:is)? (?:s'occuper|m'occuper) de (?:toi|vous|lui|eux)\b"),
        "Menace",
    ),
]

# Words just before an insult that aim it at someone: "espèce de", "bande de", "t'es qu'un".
_DIRECT_BEFORE = re.compile(
    r"(?:\bespece d[e'] ?|\bbande d[e'] ?|\bsale |\bsales |\bgros |\bgrosse |\bpauvre |\bpauvres |"
    r"\bsombre |\bpetit |\bpetite |\bvieux |\bvieille |\bt'es |\bt es |\btes |\btu es |"
    r"\bvous etes |\bqu'un |\bqu'une |\bqu un |\bqu une |\bes un |\bes une |\best un |\best une |"
    r"\bc'est un |\bc'est une |\bsont des |\bsont tous des |\bsont toutes des |\betes des |"
    r"\bquel |\bquelle |\bquels |\bquelles |\bce |\bcette |\bces |\bces gros |\bta gueule |"
    r"\bferme la |\bferme-la |\bva |\bvas |\bhe |\beh |\boh |\btoi |\bvous |\bmon |\bbonjour |"
    r"\bespece |\bmerci |\bfermez-la |\bdegage |\bcasse-toi |\bcasse toi |\bbouffon de |"
    r"\bun vrai |\bune vraie |\bde vrais |\bde vraies |\bnuls |\btous des |\bdes )$"
)
_DIRECT_AFTER = re.compile(
    r"^\s*(?:!|,|\?|$|\.\s*$|va\b|"
    r"de (?:ministre|journaliste|maire|depute|president|flic|prof|voisin|patron))"
)
# Markers that an insult is mentioned or reported, not thrown.
_QUOTE_BEFORE = re.compile(
    r"(?:[«\"“]\s*\w*\s*$|\btraite(?:e|s|es|r)? d[e'] ?(?:«\s*)?$|\bqualifie(?:e|s)? d[e'] ?$|"
    r"\ble mot (?:«\s*)?$|\bdu mot (?:«\s*)?$|\bterme (?:«\s*)?$|\bdire (?:«\s*)?$|"
    r"\bappele(?:e|s)? (?:«\s*)?$|\btraitant d[e'] ?$|\bd'avoir traite [\w' ]{0,25}d[e'] ?$)"
)
_QUOTE_AFTER = re.compile(r"^\s*[\w' ]{0,20}[»\"”]")

# Words around a hate trope that reject it: "le grand remplacement, une théorie complotiste".
DEBUNK = re.compile(
    r"\b(?:complotiste|complotistes|theorie|mythe|fausse|faux|infonde|dementi|extreme droite|"
    r"raciste|racistes|antisemite|negationnis\w*|condamne\w*|denonc\w*|propagande|delire)\b"
)
# A slur said of oneself ("je suis gouine et fière") is reclaimed, not thrown.
_SELF_BEFORE = re.compile(
    r"(?:\bje suis |\bj'suis |\bnous sommes |\bon est |\ben tant que |\bfier d'etre |"
    r"\bfiere d'etre |\bfiers d'etre )(?:un |une |des |)$"
)
NEGATION = re.compile(
    r"\b(?:ne|n') ?(?:\w+ ){0,2}(?:pas|jamais|plus|rien|aucun|aucune)\b|\bpas des\b|"
    r"\bpas tous\b|\bfaux de\b|\bil est faux\b|\bpersonne ne\b|\barretez de\b"
)
QUOTES = re.compile(r"[«»\"“”]")


def is_directed(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 24) : start]
    if _DIRECT_BEFORE.search(before):
        return True
    if start == 0 or text[max(0, start - 2) : start].strip() in {"", ".", "!", "?"}:
        # "Connard !", "Bouffon, va."
        return bool(_DIRECT_AFTER.match(text[end : end + 20]))
    return False


def is_self_reference(text: str, start: int) -> bool:
    return bool(_SELF_BEFORE.search(text[max(0, start - 24) : start]))


def is_quoted(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 40) : start]
    if _QUOTE_BEFORE.search(before):
        return True
    # an opening quote shortly before and a closing one shortly after
    opened = max(before.rfind("«"), before.rfind('"'), before.rfind("“"))
    return (
        opened >= len(before) - 30
        and opened != -1
        and bool(_QUOTE_AFTER.match(text[end : end + 25]))
    )


_TRIGGER = re.compile(
    r"tu[eé]|but|crev|egorg|massacr|defonc|retrouv|plant|flingu|saign|brul|pend|cram|extermin|"
    r"eclat|cass|demoli|deglingu|etrangl|noy|noie|achev|peau|payer|regler|bris|tranch|decapit|"
    r"abat|lynch|viol|fusill|gaz|elimin|execut|guillotin|tortur|poignard|lapid|arrach|eventr|"
    r"bombard|tabass|fum|mort|meur|balle|sai[st] ou|camps|four|occuper|regrett|souffr|morfl|"
    r"cher|bucher|mourir|mourr|pourri|sauter|descend|refroid|dezingu|euthanas|sterilis|deport|"
    r"atomis|baffe|claque|raclee|correction|coups|meurs|mourez|suicid|en l'air|en vie|morts|"
    r"epaule|arriver|tirer|pieces|branlee"
)


def find_threats(text: str) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    if _TRIGGER.search(text) is None:
        return out
    for rx, note in THREATS:
        for m in rx.finditer(text):
            s, e = m.span()
            while s < e and not text[s].isalnum():
                s += 1
            out.append((s, e, note))
    return out
