"""Resident memory of a server and its worker processes, from /proc (MB)."""

from __future__ import annotations

import sys
from pathlib import Path


def children(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        kids = (task / "children").read_text().split()
        out.extend(int(k) for k in kids)
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


def main() -> None:
    parts = []
    for pid in tree(int(sys.argv[1])):
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:60]
        parts.append(f"pid {pid} {rss_mb(pid):.0f} MB ({cmd.strip()})")
    print("; ".join(parts))


if __name__ == "__main__":
    main()
