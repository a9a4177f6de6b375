"""`make bench-scale`: ten million comments on PostgreSQL cost no more per read than 100,000.

  bench/scale.py [--comments 10000000] [--articles 100000] [--reuse]

1. checks free disk space (`df`), creates the databases `parvis_scale` (the big one) and
   `parvis_scale_small` (100,000 comments) on 127.0.0.1:5432. The small one has as many
   comments per article as the big one (1,000 articles by default): a random article
   then has the same size in both, and the ratios measure the database's size alone;
2. writes the corpus with `gen_corpus.py`, then `parvis import FILE` (COPY), timed apart,
   with progress and the rate;
3. serves each database in turn as in production (`parvis serve --workers 2`) but with
   the read cache off, and measures thread-read and counts latency (p50, p99) with
   `http_bench.py`. Every request reaches the database: with the cache on, the small
   database's few articles would be answered from memory and the big one's not, and the
   ratios would measure the cache, not the database;
4. prints the latency ratios big/small (target <= 1.3), the resident memory of each web
   process (target <= 150 MB, moderation models loaded), the database size per million
   comments, and EXPLAIN of the thread-read statements on the big database.
Results also go to WORKDIR/scale.json. Every server it starts is stopped by its pid.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import psycopg
from rss import role, rss_mb, tree  # bench/rss.py, beside this script

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("SHARED_BENCH", ROOT.parent / "shared" / "bench")).resolve()
if not (SHARED / "gen_corpus.py").is_file():
    raise SystemExit(f"no {SHARED}: set SHARED_BENCH=/path/to/shared/bench")
PARVIS = str(ROOT / ".venv" / "bin" / "parvis")
ADMIN = os.environ.get("PARVIS_SCALE_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
BYTES_PER_COMMENT = 3_300  # the corpus file (~700 B a line), then text + html + indexes + WAL
WORKLOADS = [
    "thread54=GET /api/v1/comments?uri=/article-1&limit=100",
    "hot_page1=GET /api/v1/comments?uri=/hot&limit=20",
    "thread_any=GET /api/v1/comments?uri=$URI",
    "count20=GET /api/v1/counts?$URIS20Q",
]
EXPLAIN = {
    "roots (/hot, first page)": (
        "SELECT id, parent_id, root_id, author, created, html FROM comments"
        " WHERE thread_id = (SELECT id FROM threads WHERE uri = '/hot')"
        " AND status = 'published' AND parent_id IS NULL ORDER BY id DESC LIMIT 21"
    ),
    "replies of those roots": (
        "SELECT id, parent_id, root_id, author, created, html FROM comments"
        " WHERE root_id IN (SELECT id FROM comments WHERE thread_id ="
        " (SELECT id FROM threads WHERE uri = '/hot') AND parent_id IS NULL"
        " AND status = 'published' ORDER BY id DESC LIMIT 20)"
        " AND status = 'published' AND parent_id IS NOT NULL ORDER BY id"
    ),
    "counts (/hot, /article-1)": (
        "SELECT uri, published FROM threads WHERE uri IN ('/hot', '/article-1')"
    ),
}


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def dsn(name: str) -> str:
    return ADMIN.rpartition("/")[0] + "/" + name


def recreate(name: str) -> None:
    with psycopg.connect(ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def loaded(name: str) -> tuple[int, int]:
    """(comments, threads) in the database; (-1, -1) if it is not there."""
    try:
        with psycopg.connect(dsn(name)) as conn:
            row = conn.execute(
                "SELECT (SELECT count(*) FROM comments), (SELECT count(*) FROM threads)"
            ).fetchone()
            return (int(row[0]), int(row[1])) if row else (0, 0)
    except psycopg.Error:
        return -1, -1


def load(name: str, comments: int, articles: int, work: Path) -> dict[str, Any]:
    """gen_corpus.py -o FILE, then parvis import FILE, each timed; the file is deleted.

    The generator alone takes about 15 us of CPU a comment here: in a pipe it would share
    the two cores with the importer and PostgreSQL, and the rate would be the generator's.
    """
    recreate(name)
    cfg = work / f"{name}.toml"
    subprocess.run(
        [PARVIS, "init", "--config", str(cfg), "--db", dsn(name), "--force"],
        check=True,
        capture_output=True,
    )
    corpus = work / f"{name}-corpus.jsonl"
    log(f"{name}: generating {comments:,} comments over {articles:,} articles into {corpus}")
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, str(SHARED / "gen_corpus.py"), "--articles", str(articles)]
        + ["--comments", str(comments), "-o", str(corpus)],
        check=True,
    )
    generated = time.perf_counter() - started
    log(f"{name}: generated in {generated:.0f} s; importing")
    started = time.perf_counter()
    imp = subprocess.run(
        [PARVIS, "--config", str(cfg), "import", str(corpus)],
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    corpus.unlink()
    if imp.returncode != 0:
        raise SystemExit(f"import failed: {imp.stdout}")
    summary = imp.stdout.strip().splitlines()[-1]
    log(f"{name}: {summary}")
    count = loaded(name)[0]
    rate = re.search(r"\(([\d,]+) comments/s\)", summary)
    result = {
        "comments": count,
        "wall_s": round(wall, 1),
        "rate_wall": round(count / wall),
        "rate_import": int(rate.group(1).replace(",", "")) if rate else None,
        "import_summary": summary,
        **sizes(name, count),
    }
    size = result["db_bytes"]
    log(
        f"{name}: {count:,} comments imported in {wall:.0f} s wall "
        f"({result['rate_wall']:,}/s); database {size / 2**30:.2f} GiB, "
        f"{result['db_mb_per_million']} MB per million comments"
    )
    return result


def sizes(name: str, comments: int) -> dict[str, Any]:
    with psycopg.connect(dsn(name)) as conn:
        db_bytes = conn.execute("SELECT pg_database_size(current_database())").fetchone()
        table = conn.execute("SELECT pg_total_relation_size('comments')").fetchone()
    size = int(db_bytes[0]) if db_bytes else 0
    return {
        "db_bytes": size,
        "comments_table_bytes": int(table[0]) if table else 0,
        "db_mb_per_million": round(size / 2**20 / (comments / 1e6), 1) if comments else None,
    }


def vacuum(name: str) -> float:
    """VACUUM ANALYZE after the bulk load, as an operator would: it sets the visibility
    map (index-only scans for counts) instead of leaving it to autovacuum mid-measure."""
    started = time.perf_counter()
    with psycopg.connect(dsn(name), autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE) comments")
        conn.execute("VACUUM (ANALYZE) threads")
    took = time.perf_counter() - started
    log(f"{name}: VACUUM ANALYZE in {took:.0f} s")
    return took


def rss_tree(pid: int) -> list[tuple[int, float, str]]:
    """(pid, MB, role) of the server and every process under it (bench/rss.py)."""
    return [(p, round(rss_mb(p), 1), role(p)) for p in tree(pid)]


def measure(name: str, sample: Path, work: Path, port: int) -> dict[str, Any]:
    cfg = work / f"{name}.toml"
    log(f"{name}: parvis serve --workers 2 (read cache off), then {len(WORKLOADS)} workloads")
    server = subprocess.Popen(
        [PARVIS, "--config", str(cfg), "serve", "--host", "127.0.0.1", "--port", str(port)]
        + ["--workers", "2"],
        stdout=open(work / f"{name}.log", "w"),  # noqa: SIM115
        stderr=subprocess.STDOUT,
        env={**os.environ, "PARVIS_SERVER__READ_CACHE_SECONDS": "0"},
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).read()
                break
            except OSError:
                if server.poll() is not None:
                    raise SystemExit(f"server exited; see {work / (name + '.log')}") from None
                time.sleep(0.2)
        out = work / f"{name}.json"
        cmd = [sys.executable, str(SHARED / "http_bench.py"), "--base", base, "--label", name]
        cmd += ["--corpus", str(sample), "--json", str(out), "--threads", "2"]
        cmd += ["--connections", os.environ.get("SCALE_CONNECTIONS", "2")]
        for w in WORKLOADS:
            cmd += ["-e", w]
        subprocess.run(cmd, check=True)
        rss = rss_tree(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    doc = json.loads(out.read_text("utf-8"))
    return {"endpoints": doc["endpoints"], "rss": rss}


def explain(name: str) -> dict[str, str]:
    plans = {}
    with psycopg.connect(dsn(name)) as conn:
        for label, sql in EXPLAIN.items():
            rows = conn.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql).fetchall()
            plans[label] = "\n".join(r[0] for r in rows)
    return plans


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--comments", type=int, default=10_000_000)
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--small", type=int, default=100_000, help="comments in the reference DB")
    ap.add_argument(
        "--small-articles",
        type=int,
        default=None,
        help="articles in the reference DB (default: as many comments per article as the big)",
    )
    ap.add_argument("--reuse", action="store_true", help="keep databases already loaded")
    ap.add_argument("--workdir", default=None)
    args = ap.parse_args()
    work = Path(args.workdir or tempfile.mkdtemp(prefix="parvis-scale."))
    work.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage("/var/lib/postgresql" if Path("/var/lib/postgresql").exists() else "/")
    need = args.comments * BYTES_PER_COMMENT
    log(f"workdir {work}; disk free {free.free / 2**30:.0f} GiB, need about {need / 2**30:.0f} GiB")
    if free.free < need:
        raise SystemExit("not enough free disk space for this size; pass --comments N")

    results: dict[str, Any] = {"machine": {"cpus": os.cpu_count()}}
    small_articles = args.small_articles or max(100, args.articles * args.small // args.comments)
    dbs = {
        "small": ("parvis_scale_small", args.small, small_articles),
        "big": ("parvis_scale", args.comments, args.articles),
    }
    for key, (name, n, articles) in dbs.items():
        comments, threads = loaded(name)
        if args.reuse and comments == n and abs(threads - articles) <= articles // 10:
            log(f"{name}: reusing the {n:,} comments already loaded")
            cfg = work / f"{name}.toml"
            if not cfg.exists():
                subprocess.run(
                    [PARVIS, "init", "--config", str(cfg), "--db", dsn(name), "--force"],
                    check=True,
                    capture_output=True,
                )
            results[key] = {"comments": n, **sizes(name, n)}
        else:
            results[key] = load(name, n, articles, work)
        results[key]["articles"] = articles
        results[key]["vacuum_s"] = round(vacuum(name), 1)
        sample = work / f"{key}-sample.jsonl"
        subprocess.run(
            [sys.executable, str(SHARED / "gen_corpus.py"), "--articles", str(articles)]
            + ["--comments", str(min(n, 200_000)), "-o", str(sample)],
            check=True,
        )
        results[key].update(measure(name, sample, work, 18082))
    results["explain"] = explain("parvis_scale")
    (work / "scale.json").write_text(json.dumps(results, indent=2), "utf-8")
    report(results)


def report(r: dict[str, Any]) -> None:
    big, small = r["big"], r["small"]
    print(
        f"\n== scale: {big['comments']:,} comments over {big['articles']:,} articles against"
        f" {small['comments']:,} over {small['articles']:,} (PostgreSQL)"
    )
    for label, side in (("big", big), ("small", small)):
        if "import_summary" in side:
            print(f"import ({label}): {side['import_summary']}")
            print(
                f"IMPORT {label} rate_import={side['rate_import']} rate_wall={side['rate_wall']}"
                " (comments/s: the importer's own clock, indexes and commit included;"
                " wall: the whole command, start-up included)"
            )
    print(
        f"database size: {big['db_mb_per_million']} MB per million comments "
        f"(comments table {big['comments_table_bytes'] / 2**30:.2f} GiB)"
    )
    print(
        f"{'workload':<12} {'small p50':>10} {'big p50':>9} {'ratio':>6} "
        f"{'small p99':>10} {'big p99':>9} {'ratio':>6} {'big req/s':>10} {'errors':>7}"
    )
    for name in (w.split("=")[0] for w in WORKLOADS):
        s, b = small["endpoints"][name], big["endpoints"][name]
        p50, p99 = b["p50_ms"] / s["p50_ms"], b["p99_ms"] / s["p99_ms"]
        print(
            f"{name:<12} {s['p50_ms']:>10.2f} {b['p50_ms']:>9.2f} {p50:>6.2f} "
            f"{s['p99_ms']:>10.2f} {b['p99_ms']:>9.2f} {p99:>6.2f} "
            f"{b['rps']:>10.1f} {b['errors'] + s['errors']:>7}"
        )
        print(
            f"SCALE {name} p50_ratio={b['p50_ms'] / s['p50_ms']:.2f} "
            f"p99_ratio={b['p99_ms'] / s['p99_ms']:.2f}"
        )
    for pid, mb, what in big["rss"]:
        print(f"RSS pid {pid}: {mb} MB  {what}")
    for label, plan in r["explain"].items():
        print(f"\nEXPLAIN {label}:\n{plan}")


if __name__ == "__main__":
    main()
