#!/usr/bin/env bash
# Benchmark (not a test) of the mixed scenario (scenario.lua) on PostgreSQL: one `inmaek serve`,
# then two replicas on one database, each loaded by its own wrk with half the connections.
# Starts a throwaway cluster with tests/support/pg_cluster.sh and stops it at the end.
# Prints one RESULT line per replica run, the totals, and the scaling ratio.
#   tests/bench/postgres.sh            Env: BUILD=build DURATION=10 CONNS=32 PORT=18280
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

PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  "$ROOT/tests/support/pg_cluster.sh" stop "$WORK/pg" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

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
    curl -fs "http://127.0.0.1:$2/readyz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "replica on port $2 did not start:" >&2; cat "$WORK/server.log" >&2; exit 1
}

post() {  # port update_id text
  curl -fs -o /dev/null -H 'Content-Type: application/json' "http://127.0.0.1:$1/hooks/telegram" \
    -d "{\"update_id\":$2,\"message\":{\"message_id\":$2,\"from\":{\"id\":1111111,\"first_name\":\"Ji-woo\",\"language_code\":\"ko\"},\"chat\":{\"id\":-1001234567890,\"title\":\"Partnerships\",\"type\":\"supergroup\"},\"date\":1738627200,\"text\":\"$3\"}}"
}

seed() {  # port
  post "$1" 1 "/회사 add 카카오 alias:Kakao"
  for i in 1 2 3 4; do post "$1" $((1 + i)) "/리드 add 리드$i @카카오 @OpenAI 단계:미팅"; done
}

load() {  # port connections id_base seconds
  ID_BASE="$3" wrk -t1 -c"$2" -d"$4" --timeout 5s -s "$ROOT/tests/bench/scenario.lua" \
    "http://127.0.0.1:$1/hooks/telegram" | grep '^RESULT'
}

field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p"; }

echo "== PostgreSQL, 1 replica: ${DURATION}s, $CONNS connections"
URL1="$(database bench_one)"
start_replica "$URL1" "$PORT"
seed "$PORT"
load "$PORT" "$CONNS" 700000000 2 >/dev/null
ONE="$(load "$PORT" "$CONNS" 710000000 "$DURATION")"
echo "replica1 $ONE"
kill "${PIDS[0]}"; wait "${PIDS[0]}" 2>/dev/null || true; PIDS=()

echo "== PostgreSQL, 2 replicas on one database: ${DURATION}s, $((CONNS / 2)) connections each"
URL2="$(database bench_two)"
start_replica "$URL2" "$PORT"
start_replica "$URL2" "$((PORT + 1))"
seed "$PORT"
load "$PORT" $((CONNS / 2)) 720000000 2 >/dev/null &
load "$((PORT + 1))" $((CONNS / 2)) 730000000 2 >/dev/null
wait %1 2>/dev/null || true
load "$PORT" $((CONNS / 2)) 740000000 "$DURATION" >"$WORK/a" &
load "$((PORT + 1))" $((CONNS / 2)) 750000000 "$DURATION" >"$WORK/b"
wait %1 2>/dev/null || true
echo "replica1 $(cat "$WORK/a")"
echo "replica2 $(cat "$WORK/b")"

rps1=$(field rps <<<"$ONE")
rps2=$(awk '{s += $1} END {print s}' <(field rps <"$WORK/a"; field rps <"$WORK/b"))
p99_2=$(awk 'BEGIN {m = 0} {if ($1 > m) m = $1} END {print m}' <(field p99_ms <"$WORK/a"; field p99_ms <"$WORK/b"))
MEETINGS=$( (. "$WORK/pg/env" && psql -At -d bench_two -c "SELECT count(*) FROM meetings") )
echo "one_replica_rps=$rps1 p99_ms=$(field p99_ms <<<"$ONE")"
echo "two_replicas_rps=$rps2 p99_ms=$p99_2 meetings_stored=$MEETINGS"
awk -v a="$rps1" -v b="$rps2" 'BEGIN {printf "scaling=%.2f (two replicas / one)\n", b / a}'
