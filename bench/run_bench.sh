#!/usr/bin/env bash
# `make bench`: Parvis, Isso and the bare-ASGI ceiling on the same corpus, same load, one run.
#
#   bench/run_bench.sh [WORKDIR]          (default: a fresh mktemp -d)
#
# env: COMMENTS (100000) ARTICLES (10000) SEED (42) WORKERS (2: this box has 2 cores)
#      ISSO_PORT (18080) PARVIS_PORT (18081) CEILING_PORT (18090)
#      BENCH_DURATION (10) BENCH_WARMUP (2) BENCH_THREADS (2) BENCH_CONNECTIONS (32)
#      SHARED_BENCH (../shared/bench)
# Parvis runs as in production: `parvis serve --workers $WORKERS` (uvicorn, uvloop,
# httptools) on SQLite (the embedded default), the moderation engine loaded at start-up.
# The write workload posts with a moderator's token (DESIGN §6: not rate-limited) and
# still goes through every moderation check. Every server is stopped by its pid.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SB=$(cd "${SHARED_BENCH:-$ROOT/../shared/bench}" 2>/dev/null && pwd) || {
  echo "no ../shared/bench beside the checkout: set SHARED_BENCH=/path/to/shared/bench" >&2
  exit 2
}
PARVIS="$ROOT/.venv/bin/parvis"
PY="$ROOT/.venv/bin/python"
WORKDIR=${1:-$(mktemp -d -t parvis-bench.XXXXXX)}
mkdir -p "$WORKDIR"; W=$(cd "$WORKDIR" && pwd)
COMMENTS=${COMMENTS:-100000}; ARTICLES=${ARTICLES:-10000}; SEED=${SEED:-42}
WORKERS=${WORKERS:-2}
ISSO_PORT=${ISSO_PORT:-18080}; PARVIS_PORT=${PARVIS_PORT:-18081}; CEILING_PORT=${CEILING_PORT:-18090}
export BENCH_DURATION=${BENCH_DURATION:-10} BENCH_WARMUP=${BENCH_WARMUP:-2}
LOAD=(--threads "${BENCH_THREADS:-2}" --connections "${BENCH_CONNECTIONS:-32}")
PIDS=()

stop_all() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  done
  PIDS=()
}
trap stop_all EXIT

wait_http() {  # URL PID
  for _ in $(seq 1 300); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || { echo "server $2 exited" >&2; return 1; }
    sleep 0.2
  done
  echo "no answer from $1" >&2; return 1
}

command -v wrk >/dev/null || { echo "wrk missing (make install)" >&2; exit 1; }
echo "== workdir $W  ($(nproc) CPUs, workers $WORKERS)" >&2

echo "== corpus: $COMMENTS comments over $ARTICLES articles (seed $SEED)" >&2
python3 "$SB/gen_corpus.py" --articles "$ARTICLES" --comments "$COMMENTS" --seed "$SEED" \
  -o "$W/corpus.jsonl"

echo "== isso (gunicorn, 2 sync workers)" >&2
ISSO_PID=$(PORT=$ISSO_PORT WORKERS=$WORKERS "$SB/isso_peer.sh" "$W/isso" "$W/corpus.jsonl")
PIDS+=("$ISSO_PID")

echo "== parvis: init, import, moderator token" >&2
rm -f "$W/parvis.db" "$W/parvis.db-wal" "$W/parvis.db-shm"
"$PARVIS" init --config "$W/parvis.toml" --db "sqlite:///$W/parvis.db" --force >&2
CFG=(--config "$W/parvis.toml")
"$PARVIS" "${CFG[@]}" import "$W/corpus.jsonl" >&2
echo "bench-password-not-secret" | "$PARVIS" "${CFG[@]}" user add bench --role moderator >&2
TOKEN=$("$PARVIS" "${CFG[@]}" user token bench)

echo "== parvis serve --workers $WORKERS" >&2
"$PARVIS" "${CFG[@]}" serve --host 127.0.0.1 --port "$PARVIS_PORT" --workers "$WORKERS" \
  >"$W/parvis.log" 2>&1 &
PARVIS_PID=$!
PIDS+=("$PARVIS_PID")
PARVIS_URL=http://127.0.0.1:$PARVIS_PORT
wait_http "$PARVIS_URL/healthz" "$PARVIS_PID"
curl -fsS "$PARVIS_URL/api/v1/comments?uri=/article-1&limit=100" -o "$W/thread54.json"
curl -fsS "$PARVIS_URL/api/v1/comments?uri=/hot&limit=20" -o "$W/hot_page1.json"
curl -fsS "http://127.0.0.1:$ISSO_PORT/?uri=/article-1" -o "$W/isso-thread54.json"
curl -fsS "http://127.0.0.1:$ISSO_PORT/?uri=/hot&limit=20&nested_limit=5" -o "$W/isso-hot_page1.json"
"$PY" "$ROOT/bench/check_same.py" "$W" >&2

echo "== ceiling (plain ASGI under uvicorn, $WORKERS workers, Parvis's own 54-comment bytes)" >&2
"$PY" "$SB/ceiling.py" --body "$W/thread54.json" --port "$CEILING_PORT" --workers "$WORKERS" \
  >"$W/ceiling.log" 2>&1 &
CEIL_PID=$!
PIDS+=("$CEIL_PID")
wait_http "http://127.0.0.1:$CEILING_PORT/" "$CEIL_PID"

BENCH=("$SB/http_bench.py" --corpus "$W/corpus.jsonl" "${LOAD[@]}")
echo "== load ceiling" >&2
python3 "${BENCH[@]}" --base "http://127.0.0.1:$CEILING_PORT" --label ceiling \
  --json "$W/ceiling.json" -e 'thread54=GET /?uri=/article-1'
kill "$CEIL_PID"  # not competing for the CPUs with the next runs

echo "== load parvis" >&2
python3 "${BENCH[@]}" --base "$PARVIS_URL" --label parvis --json "$W/parvis.json" \
  -H "Authorization: Bearer $TOKEN" \
  -e 'thread54=GET /api/v1/comments?uri=/article-1&limit=100' \
  -e 'hot_page1=GET /api/v1/comments?uri=/hot&limit=20' \
  -e 'count20=GET /api/v1/counts?$URIS20Q' \
  -e 'write=POST /api/v1/comments {"uri": "/bench-write", "parent": null, "text": $TEXT, "author": $AUTHOR, "email": $EMAIL}'
RSS=$("$PY" "$ROOT/bench/rss.py" "$PARVIS_PID")
# Posting does not wait for the charter's checks: the server's check workers empty the
# moderation queue after the load; how many waited, and how fast they went.
CHECKS=$("$PY" "$ROOT/bench/checks_drain.py" "sqlite:///$W/parvis.db")
kill "$PARVIS_PID"

echo "== load isso" >&2
python3 "${BENCH[@]}" --base "http://127.0.0.1:$ISSO_PORT" --label isso --json "$W/isso.json" \
  -e 'thread54=GET /?uri=/article-1' \
  -e 'hot_page1=GET /?uri=/hot&limit=20&nested_limit=5' \
  -e 'count20=POST /count $URIS20' \
  -e 'write=POST /new?uri=/bench-write {"text": $TEXT, "author": $AUTHOR, "email": $EMAIL, "title": "Bench"}'

stop_all

echo
echo "== side by side (ratios to isso)"
python3 "$SB/compare.py" --ref isso "$W/isso.json" "$W/parvis.json" "$W/ceiling.json" | tee "$W/table.txt"
python3 "$SB/compare.py" --markdown --ref isso "$W/isso.json" "$W/parvis.json" "$W/ceiling.json" \
  > "$W/table.md"
echo "parvis web processes RSS: $RSS"
echo "$CHECKS"
"$PY" "$ROOT/bench/ratios.py" "$W/parvis.json" "$W/isso.json" "$W/ceiling.json" | tee "$W/ratios.txt"
echo "results: $W/{parvis,isso,ceiling}.json $W/table.md $W/ratios.txt"
