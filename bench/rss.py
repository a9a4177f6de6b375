"""Resident memory of a server and its worker processes, from /proc (MB)."""

from __future__ import annotations

import sys
from pathlib import Path


def children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            kids = (task / "children").read_text().split()
            out.extend(int(k) for k in kids)
    except FileNotFoundError:  # it ended while we looked
        pass
    return out


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def tree(pid: int) -> list[int]:
    pids = [pid]
    for kid in children(pid):
        pids.extend(tree(kid))
    return pids


def role(pid: int) -> str:
    """What a process of `parvis serve` is: the supervisor, a web worker, the checker."""
    argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    if b"--queue" in argv:
        return "moderation queue"
    if any(a.startswith(b"from multiprocessing.spawn") for a in argv):
        return "web"
    if any(a.startswith(b"from multiprocessing.resource_tracker") for a in argv):
        return "resource tracker"
    return "supervisor"


def main() -> None:
    parts = [f"pid {pid} {role(pid)} {rss_mb(pid):.0f} MB" for pid in tree(int(sys.argv[1]))]
    print("; ".join(parts))


if __name__ == "__main__":
    main()
