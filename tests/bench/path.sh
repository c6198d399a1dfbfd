#!/usr/bin/env bash
# Benchmark of /path (not a test): inmaek_bench_path (tests/bench/path_bench.cpp)
# loads one workspace with 1,000,000 meetings of two companies each among 5,000 companies (20 of
# them large customers met a third of the time) and 20,000 contacts, rebuilds company_links, then
# times the shortest chains between pairs of companies on a SQLite file and on a throwaway
# PostgreSQL cluster (tests/support/pg_cluster.sh).
#   tests/bench/path.sh                                # both backends, full size
#   BACKENDS=sqlite3 tests/bench/path.sh --meetings 100000
# Env: BUILD=build RUNS=200 BACKENDS="sqlite3 postgresql"; extra arguments go to the program.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BUILD="${BUILD:-$ROOT/build}"
RUNS="${RUNS:-200}"
BACKENDS="${BACKENDS:-sqlite3 postgresql}"
BIN="$BUILD/tests/bench/inmaek_bench_path"
WORK="$(mktemp -d /tmp/inmaek-path-bench.XXXXXX)"
CLUSTER="$ROOT/tests/support/pg_cluster.sh"

cleanup() { "$CLUSTER" stop "$WORK/cluster" >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT

cmake --build "$BUILD" --target inmaek_bench_path -j1 >/dev/null
for backend in $BACKENDS; do
  case "$backend" in
    sqlite3) "$BIN" --backend sqlite3 --runs "$RUNS" --dir "$WORK" "$@" ;;
    postgresql)
      "$CLUSTER" start "$WORK/cluster"
      INMAEK_TEST_POSTGRES_URL_FILE="$WORK/cluster/url" \
        "$BIN" --backend postgresql --runs "$RUNS" --dir "$WORK" "$@"
      "$CLUSTER" stop "$WORK/cluster" ;;
    *) echo "unknown backend $backend" >&2; exit 2 ;;
  esac
done
