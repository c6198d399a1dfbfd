#!/usr/bin/env bash
# Benchmark of /find, /leads and /path (not a test): inmaek_bench_query (tests/bench/query_bench.cpp)
# loads one workspace (tests/bench/bench_data.hpp) with 1,000,000 meetings (notes of Korean and
# English words, two companies each, a third of them with one of 20 large customers), 100,000
# leads, 5,000 companies and 20,000 contacts, then times searches, three-filter lead lists and the
# shortest chains between companies on a SQLite file and on a throwaway PostgreSQL cluster
# (tests/support/pg_cluster.sh).
#   tests/bench/query.sh                               # both backends, full size, every part
#   BACKENDS=sqlite3 tests/bench/query.sh --meetings 100000 --leads 10000
#   tests/bench/query.sh --only leads,path             # loads only what those parts read
# Env: BUILD=build RUNS=200 BACKENDS="sqlite3 postgresql"; extra arguments go to the program.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BUILD="${BUILD:-$ROOT/build}"
RUNS="${RUNS:-200}"
BACKENDS="${BACKENDS:-sqlite3 postgresql}"
BIN="$BUILD/tests/bench/inmaek_bench_query"
WORK="$(mktemp -d /tmp/inmaek-query-bench.XXXXXX)"
CLUSTER="$ROOT/tests/support/pg_cluster.sh"

cleanup() { "$CLUSTER" stop "$WORK/cluster" >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT

cmake --build "$BUILD" --target inmaek_bench_query -j1 >/dev/null
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
