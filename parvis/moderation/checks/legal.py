"""The `legal` rule: racism, hate against a group, slurs, hate and conspiracy tropes."""

from __future__ import annotations

from parvis.domain.verdict import CheckContext, CheckResult, Evidence
from parvis.moderation import patterns
from parvis.moderation.checks._content import classifier_evidence, evidence
from parvis.moderation.classifier import analyse

_NOTES = {
    "slur": "Injure envers un groupe",
    "slur_weak": "Injure envers un groupe",
    "trope": "Formule haineuse ou complotiste",
    "dehuman": "Terme déshumanisant",
}


class LegalCheck:
    name = "legal"

    def check(self, text: str, context: CheckContext) -> CheckResult:
        a = analyse(text)
        p = a.probs["legal"]
        floor = 0.0
        found: list[Evidence] = []
        groups = [h for h in a.hits if h.category == "group"]
        for hit, directed, quoted in zip(a.hits, a.directed, a.quoted, strict=True):
            if hit.category not in _NOTES or quoted:
                continue
            if hit.category == "slur":
                floor = max(floor, 0.9 if directed else 0.75)
            elif (hit.category == "slur_weak" and directed) or (
                hit.category == "trope"
                and not a.negated
                and not patterns.DEBUNK.search(a.norm.text)
            ):
                floor = max(floor, 0.7)
            elif hit.category in {"slur_weak", "dehuman"} and p < 0.5:
                continue
            found.append(evidence(a, hit.start, hit.end, _NOTES[hit.category]))
        score = max(p, floor)
        if score >= 0.5:
            if groups and not any(e.note.startswith("Injure") for e in found):
                g = groups[0]
                found.append(evidence(a, g.start, g.end, "Groupe visé"))
            if not found:
                found = classifier_evidence(a, "legal", "Propos haineux")
        return CheckResult(score, tuple(found))
