#!/usr/bin/env bash
# Benchmark of /path alone (not a test): tests/bench/query.sh --only path, which loads the
# meetings and their companies and contacts, rebuilds company_links and times the shortest chains
# between random companies, between the large ones, through them (three hops) and to a company
# nobody met, on SQLite and on a throwaway PostgreSQL.
#   tests/bench/path.sh                                # both backends, full size
#   BACKENDS=sqlite3 tests/bench/path.sh --meetings 100000
# Env and extra arguments as for query.sh.
exec "$(dirname "$0")/query.sh" --only path "$@"
