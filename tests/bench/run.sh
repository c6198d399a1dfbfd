#!/usr/bin/env bash
# Benchmark of inmaek's full webhook path (not a test): wrk posts realistic Telegram updates with
# fresh update ids to `inmaek serve` pinned to CPU 0 on a fresh SQLite database, wrk on CPU 1.
# Prints throughput, p50/p99 and the server's peak RSS, then the side-by-side comparison with the
# reference servers of ../shared/bench (`reference compare`).
#   tests/bench/run.sh                 # both parts
#   SKIP_COMPARE=1 tests/bench/run.sh  # only the mixed scenario
# Env: BUILD=build DURATION=10 CONNS=32 PORT=18180 REFERENCE=<path to shared/bench/reference>
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BUILD="${BUILD:-$ROOT/build}"
BIN="$BUILD/inmaek"
DURATION="${DURATION:-10}"
CONNS="${CONNS:-32}"
PORT="${PORT:-18180}"
REFERENCE="${REFERENCE:-$ROOT/../shared/bench/reference}"
WORK="$(mktemp -d /tmp/inmaek-bench.XXXXXX)"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 2; }
[ -x "$BIN" ] || { echo "build first: cmake --preset release && cmake --build --preset release" >&2; exit 2; }

SERVER_PID=""
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

start_server() {
  rm -f "$WORK"/bench.db*
  INMAEK_LOG_LEVEL=warn INMAEK_DATABASE_URL="sqlite3://db=$WORK/bench.db" \
    taskset -c 0 "$BIN" serve --listen "127.0.0.1:$PORT" 2>"$WORK/server.log" &
  SERVER_PID=$!
  for _ in $(seq 100); do
    curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "server did not start:" >&2; cat "$WORK/server.log" >&2; exit 1
}

post() {  # update_id text
  curl -fs -o /dev/null -H 'Content-Type: application/json' "http://127.0.0.1:$PORT/hooks/telegram" \
    -d "{\"update_id\":$1,\"message\":{\"message_id\":$1,\"from\":{\"id\":1111111,\"first_name\":\"Ji-woo\",\"language_code\":\"ko\"},\"chat\":{\"id\":-1001234567890,\"title\":\"Partnerships\",\"type\":\"supergroup\"},\"date\":1738627200,\"text\":\"$2\"}}"
}

stop_server() {  # sets HWM_KB to the server's peak resident memory
  HWM_KB=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status")
  kill "$SERVER_PID"
  for _ in $(seq 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
  SERVER_PID=""
}

echo "== mixed scenario: ${DURATION}s, $CONNS connections, server on CPU 0, wrk on CPU 1"
start_server
post 1 "/회사 add 카카오 alias:Kakao"
for i in 1 2 3 4; do post $((1 + i)) "/리드 add 리드$i @카카오 @OpenAI 단계:미팅"; done
taskset -c 1 wrk -t1 -c"$CONNS" -d2s -s "$ROOT/tests/bench/scenario.lua" "http://127.0.0.1:$PORT/hooks/telegram" >/dev/null
OUT=$(taskset -c 1 wrk -t1 -c"$CONNS" -d"${DURATION}s" --timeout 5s -s "$ROOT/tests/bench/scenario.lua" "http://127.0.0.1:$PORT/hooks/telegram")
LINE=$(grep '^RESULT' <<<"$OUT")
stop_server
MEETINGS=$(sqlite3 -readonly "$WORK/bench.db" "SELECT COUNT(*) FROM meetings" 2>&1 || true)
echo "$LINE"
echo "peak_rss_mib=$(awk -v k="$HWM_KB" 'BEGIN{printf "%.1f", k/1024}') meetings_stored=$MEETINGS"

if [ "${SKIP_COMPARE:-0}" != 1 ]; then
  echo "== side by side with the reference servers (reference compare)"
  start_server
  "$REFERENCE" compare "http://127.0.0.1:$PORT/hooks/telegram"
  stop_server
  echo "inmaek peak_rss_mib=$(awk -v k="$HWM_KB" 'BEGIN{printf "%.1f", k/1024}')"
fi
