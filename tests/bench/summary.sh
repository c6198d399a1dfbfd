#!/usr/bin/env bash
# Benchmark of the summary (not a test): inmaek_bench_summary (tests/bench/summary_bench.cpp)
# loads one workspace with 1,000,000 meetings, 100,000 leads and 200,000 follow-ups, then times
# summarize() for a day, on a SQLite file and on a throwaway PostgreSQL cluster
# (tests/support/pg_cluster.sh). Prints the load time, median and p95 of the runs, the time of
# each read, the summary itself and, with PLANS=1, the query plans.
#   tests/bench/summary.sh                      # both backends
#   BACKENDS=sqlite3 PLANS=1 tests/bench/summary.sh
# Env: BUILD=build RUNS=20 BACKENDS="sqlite3 postgresql" PLANS=; extra arguments go to the
# program (--meetings N --leads N --follow-ups N).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BUILD="${BUILD:-$ROOT/build}"
RUNS="${RUNS:-20}"
BACKENDS="${BACKENDS:-sqlite3 postgresql}"
BIN="$BUILD/tests/bench/inmaek_bench_summary"
WORK="$(mktemp -d /tmp/inmaek-summary-bench.XXXXXX)"
CLUSTER="$ROOT/tests/support/pg_cluster.sh"

cleanup() { "$CLUSTER" stop "$WORK/cluster" >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT

cmake --build "$BUILD" --target inmaek_bench_summary -j1 >/dev/null
args=(--runs "$RUNS" --dir "$WORK")
[ -n "${PLANS:-}" ] && args+=(--plans)

for backend in $BACKENDS; do
  case "$backend" in
    sqlite3) "$BIN" --backend sqlite3 "${args[@]}" "$@" ;;
    postgresql)
      "$CLUSTER" start "$WORK/cluster"
      INMAEK_TEST_POSTGRES_URL_FILE="$WORK/cluster/url" "$BIN" --backend postgresql "${args[@]}" "$@"
      "$CLUSTER" stop "$WORK/cluster" ;;
    *) echo "unknown backend $backend" >&2; exit 2 ;;
  esac
done
