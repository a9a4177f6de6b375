"""The `violence` rule: threats, calls to violence or hatred, wishing someone dead."""

from __future__ import annotations

from parvis.domain.verdict import CheckContext, CheckResult
from parvis.moderation.checks._content import classifier_evidence, evidence
from parvis.moderation.classifier import analyse

# A threat pattern alone is not proof ("il faut tuer ce projet dans l'œuf"): the
# classifier sees it as a feature, next to war reporting and figures of speech it was
# trained on, and the pattern gives the evidence.


class ViolenceCheck:
    name = "violence"

    def check(self, text: str, context: CheckContext) -> CheckResult:
        a = analyse(text)
        p = a.probs["violence"]
        if not a.threats:
            score = p
            found = classifier_evidence(a, "violence", "Violence") if p >= 0.5 else []
            return CheckResult(score, tuple(found))
        score = p
        spans = sorted({(s, e, note) for s, e, note in a.threats})
        found = []
        last_end = -1
        for s, e, note in spans:
            if s >= last_end:
                found.append(evidence(a, s, e, note))
                last_end = e
        return CheckResult(score, tuple(found))
