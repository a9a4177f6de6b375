"""The RATIO lines of DESIGN §5 from http_bench.py result files, and the issue's targets.

ratios.py parvis.json isso.json ceiling.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

WORKLOADS = ("thread54", "hot_page1", "count20", "write")
TARGETS = {  # issue 6: (against, minimum ratio)
    "thread54": ("ceiling", 0.5),
    "hot_page1": ("isso", 100.0),
    "count20": ("isso", 50.0),
    "write": ("isso", 1.0),
}


def rps(doc: dict, name: str) -> float | None:
    r = doc["endpoints"].get(name) or {}
    return r.get("rps") or None


def main() -> None:
    parvis, isso, ceiling = (json.loads(Path(f).read_text("utf-8")) for f in sys.argv[1:4])
    for name in WORKLOADS:
        p, i, c = rps(parvis, name), rps(isso, name), rps(ceiling, name)
        vs_isso = f"{p / i:.2f}" if p and i else "n/a"
        vs_ceiling = f"{p / c:.2f}" if p and c else "n/a"
        print(f"RATIO {name} parvis/isso={vs_isso} parvis/ceiling={vs_ceiling}")
    for name, (against, minimum) in TARGETS.items():
        value = rps(parvis, name) or 0.0
        ref = rps(isso if against == "isso" else ceiling, name)
        ratio = value / ref if ref else 0.0
        errors = (parvis["endpoints"].get(name) or {}).get("errors", "?")
        verdict = "met" if ratio >= minimum and errors == 0 else "MISSED"
        print(
            f"target {name}: parvis/{against} {ratio:.2f} (want >= {minimum}) "
            f"errors {errors}: {verdict}"
        )


if __name__ == "__main__":
    main()
