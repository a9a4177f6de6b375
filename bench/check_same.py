"""Check that Parvis and Isso return the same comments before loading them:
54 for /article-1 (the whole thread), a page of 20 for /hot."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def flatten(comments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for c in comments:
        out.append(c)
        out.extend(flatten(c.get("replies") or []))
    return out


def main() -> int:
    w = Path(sys.argv[1])
    load = lambda name: json.loads((w / name).read_text("utf-8"))  # noqa: E731
    parvis54, isso54 = load("thread54.json"), load("isso-thread54.json")
    parvis_hot, isso_hot = load("hot_page1.json"), load("isso-hot_page1.json")
    p54, i54 = flatten(parvis54["comments"]), flatten(isso54["replies"])
    checks = {
        "thread54 parvis comments": (len(p54), 54),
        "thread54 parvis total": (parvis54["total"], 54),
        "thread54 isso comments": (len(i54), 54),
        "thread54 same texts": (
            sorted(c["author"] for c in p54) == sorted(c["author"] for c in i54),
            True,
        ),
        "hot_page1 parvis top-level": (len(parvis_hot["comments"]), 20),
        "hot_page1 isso top-level": (len(isso_hot["replies"]), 20),
    }
    bad = 0
    for name, (got, want) in checks.items():
        ok = got == want
        bad += not ok
        print(f"check {name}: {got} (want {want}) {'ok' if ok else 'MISMATCH'}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
