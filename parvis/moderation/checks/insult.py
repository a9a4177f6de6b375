"""The `insult` rule: insults thrown at someone, not insults quoted or reported."""

from __future__ import annotations

from parvis.domain.verdict import CheckContext, CheckResult, Evidence
from parvis.moderation.checks._content import classifier_evidence, evidence
from parvis.moderation.classifier import analyse

# (aimed at someone, not aimed): how much one lexicon term says on its own
_STRENGTH = {
    "insult": (0.92, 0.65),
    "slur": (0.9, 0.6),
    "insult_weak": (0.75, 0.0),
    "slur_weak": (0.7, 0.0),
    "profanity": (0.0, 0.0),
}
_QUOTED_CAP = 0.4


class InsultCheck:
    name = "insult"

    def check(self, text: str, context: CheckContext) -> CheckResult:
        a = analyse(text)
        p = a.probs["insult"]
        lex = 0.0  # the strongest term thrown at someone
        any_quoted = False
        found: list[Evidence] = []
        weak: list[Evidence] = []
        for hit, directed, quoted in zip(a.hits, a.directed, a.quoted, strict=True):
            strength = _STRENGTH.get(hit.category)
            if strength is None:
                continue
            if quoted:
                any_quoted = True
                continue
            s = strength[0] if directed else strength[1]
            if s > 0:
                lex = max(lex, s)
                found.append(evidence(a, hit.start, hit.end, "Insulte"))
            elif hit.category != "profanity":
                weak.append(evidence(a, hit.start, hit.end, "Insulte"))
        if lex == 0.0 and any_quoted:
            score = min(p, _QUOTED_CAP)  # "il m'a traité de « connard »"
        else:
            score = max(p, lex) if lex >= 0.6 else p
        if score >= 0.5 and not found:
            found = weak or classifier_evidence(a, "insult", "Terme insultant")
        return CheckResult(score, tuple(found))
