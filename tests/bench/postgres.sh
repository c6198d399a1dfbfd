#!/usr/bin/env bash
# Benchmark (not a test) of the mixed scenario (scenario.lua) on PostgreSQL: one `inmaek serve`,
# then two replicas on one database, each loaded by its own wrk with half the connections.
# Starts a throwaway cluster with tests/support/pg_cluster.sh and stops it at the end.
# Prints one RESULT line per replica run, the totals, and the scaling ratio.
#   tests/bench/postgres.sh            Env: BUILD=build DURATION=10 CONNS=32 PORT=18280 POOL_SIZE=4
#                                      KEEP_LOG=<file> (copy of the replicas' log; kept anyway on failure)
# On a 2-core machine the replicas, PostgreSQL and wrk share both cores: read the ratio with
# that in mind (see the closing note of issue 3).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BUILD="${BUILD:-$ROOT/build}"
BIN="$BUILD/inmaek"
DURATION="${DURATION:-10}"
CONNS="${CONNS:-32}"
PORT="${PORT:-18280}"
WORK="$(mktemp -d /tmp/inmaek-pgbench.XXXXXX)"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 2; }
[ -x "$BIN" ] || { echo "build first: cmake --preset release && cmake --build --preset release" >&2; exit 2; }

PIDS=()       # the running replicas
LOADS=()      # the running wrk pipelines
stop_pids() {  # pid... : SIGTERM, up to 5 s to exit, then SIGKILL; reaps them
  local pid
  for pid in "$@"; do kill "$pid" 2>/dev/null || true; done
  for pid in "$@"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  stop_pids ${LOADS[@]+"${LOADS[@]}"} ${PIDS[@]+"${PIDS[@]}"}
  "$ROOT/tests/support/pg_cluster.sh" stop "$WORK/pg" >/dev/null 2>&1 || true
  if [ -n "${KEEP_LOG:-}" ] && [ -f "$WORK/server.log" ]; then cp "$WORK/server.log" "$KEEP_LOG"; fi
  if [ "$status" -ne 0 ] && [ -s "$WORK/server.log" ]; then
    cp "$WORK/server.log" "$WORK.server.log"
    echo "failed (status $status): server log kept in $WORK.server.log (last 20 lines):" >&2
    tail -n 20 "$WORK.server.log" >&2
  fi
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$ROOT/tests/support/pg_cluster.sh" start "$WORK/pg" >/dev/null
ADMIN_URL="$(cat "$WORK/pg/url")"

database() {  # name -> SOCI URL of a fresh database
  (. "$WORK/pg/env" && psql -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $1") >&2
  echo "${ADMIN_URL/dbname=postgres/dbname=$1}"
}

start_replica() {  # url port
  INMAEK_LOG_LEVEL=warn INMAEK_DATABASE_POOL_SIZE="${POOL_SIZE:-4}" INMAEK_DATABASE_URL="$1" \
    "$BIN" serve --listen "127.0.0.1:$2" \
    2>>"$WORK/server.log" &
  PIDS+=($!)
  for _ in $(seq 100); do
    curl -fs --max-time 2 "http://127.0.0.1:$2/readyz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "replica on port $2 did not start:" >&2; cat "$WORK/server.log" >&2; exit 1
}

post() {  # port update_id text
  curl -fsS --max-time 10 -o /dev/null -H 'Content-Type: application/json' "http://127.0.0.1:$1/hooks/telegram" \
    -d "{\"update_id\":$2,\"message\":{\"message_id\":$2,\"from\":{\"id\":1111111,\"first_name\":\"Ji-woo\",\"language_code\":\"ko\"},\"chat\":{\"id\":-1001234567890,\"title\":\"Partnerships\",\"type\":\"supergroup\"},\"date\":1738627200,\"text\":\"$3\"}}"
}

seed() {  # port
  post "$1" 1 "/회사 add 카카오 alias:Kakao"
  for i in 1 2 3 4; do post "$1" $((1 + i)) "/리드 add 리드$i @카카오 @OpenAI 단계:미팅"; done
}

load() {  # port connections id_base seconds -> wrk's RESULT line (fails without one)
  ID_BASE="$3" wrk -t1 -c"$2" -d"$4" --timeout 5s -s "$ROOT/tests/bench/scenario.lua" \
    "http://127.0.0.1:$1/hooks/telegram" | grep '^RESULT'
}

# Two wrk at once, one per replica. Waits on their own pids: `wait %1` named the oldest job still
# in the table, i.e. the first replica (started with & too), and blocked until it exited.
load_both() {  # connections id_base_a id_base_b seconds out_a out_b
  load "$PORT" "$1" "$2" "$4" >"$5" & LOADS+=($!)
  load "$((PORT + 1))" "$1" "$3" "$4" >"$6" & LOADS+=($!)
  local pid failed=0
  for pid in "${LOADS[@]}"; do wait "$pid" || failed=1; done
  LOADS=()
  [ "$failed" -eq 0 ] || { echo "a wrk run failed or printed no RESULT line" >&2; exit 1; }
}

field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p"; }

echo "== PostgreSQL, 1 replica: ${DURATION}s, $CONNS connections"
URL1="$(database bench_one)"
start_replica "$URL1" "$PORT"
seed "$PORT"
load "$PORT" "$CONNS" 700000000 2 >"$WORK/warm_one"
ONE="$(load "$PORT" "$CONNS" 710000000 "$DURATION")"
echo "replica1 $ONE"
stop_pids "${PIDS[@]}"; PIDS=()

MARK=$(wc -l <"$WORK/server.log")  # where the 2-replica part of the log begins
echo "== PostgreSQL, 2 replicas on one database: ${DURATION}s, $((CONNS / 2)) connections each"
URL2="$(database bench_two)"
start_replica "$URL2" "$PORT"
start_replica "$URL2" "$((PORT + 1))"
seed "$PORT"
load_both $((CONNS / 2)) 720000000 730000000 2 "$WORK/warm_a" "$WORK/warm_b"
load_both $((CONNS / 2)) 740000000 750000000 "$DURATION" "$WORK/a" "$WORK/b"
stop_pids "${PIDS[@]}"; PIDS=()
echo "replica1 $(cat "$WORK/a")"
echo "replica2 $(cat "$WORK/b")"

rps1=$(field rps <<<"$ONE")
rps2=$(awk '{s += $1} END {print s}' <(field rps <"$WORK/a"; field rps <"$WORK/b"))
p99_2=$(awk 'BEGIN {m = 0} {if ($1 > m) m = $1} END {print m}' <(field p99_ms <"$WORK/a"; field p99_ms <"$WORK/b"))
MEETINGS=$( (. "$WORK/pg/env" && psql -At -d bench_two -c "SELECT count(*) FROM meetings") )
# The warm-ups create the companies and people of the scenario: concurrent creators race there.
echo "one_replica_rps=$rps1 p99_ms=$(field p99_ms <<<"$ONE") warmup_non2xx=$(field non2xx <"$WORK/warm_one")"
echo "two_replicas_rps=$rps2 p99_ms=$p99_2 (worse replica)" \
  "warmup_non2xx=$(cat "$WORK/warm_a" "$WORK/warm_b" | field non2xx | awk '{s += $1} END {print s}')" \
  "meetings_stored=$MEETINGS"
awk -v a="$rps1" -v b="$rps2" 'BEGIN {printf "scaling=%.2f (two replicas / one)\n", b / a}'
log_summary() {  # label first_line last_line: failed requests in that part of the server log
  local part
  part="$(sed -n "$2,$3p" "$WORK/server.log")"
  count() { grep -c "$1" <<<"$part" || true; }
  echo "server_log_$1: 500s=$(count ' error request id=') 503s=$(count 'database unavailable')" \
    "deadlocks=$(count 'deadlock detected') serialization_failures=$(count 'could not serialize')" \
    "duplicate_keys=$(count 'duplicate key value violates') (incl. warm-up)"
}
log_summary one_replica 1 "$MARK"
log_summary two_replicas "$((MARK + 1))" '$'
