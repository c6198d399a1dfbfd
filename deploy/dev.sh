#!/usr/bin/env bash
# inmaek developer entry point (Debian 12).
#
#   deploy/dev.sh run     install packages if missing, build, migrate var/inmaek.db, serve on
#                         127.0.0.1:8080 (INMAEK_SERVER_LISTEN overrides)
#   deploy/dev.sh test    install, build, run every test (ctest), check formatting, clang-tidy
#   deploy/dev.sh build   install and build only
#
# Environment: JOBS (parallel jobs for clang-tidy, default 2), INMAEK_* as documented for the
# binary (INMAEK_DATABASE_URL, INMAEK_SERVER_LISTEN, INMAEK_TELEGRAM_SECRET_TOKEN, …).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly ROOT
readonly JOBS="${JOBS:-2}"
readonly PACKAGES=(
    build-essential cmake pkg-config
    libboost1.81-all-dev libboost-json1.81-dev libgoogle-perftools-dev nlohmann-json3-dev libsoci-dev libsqlite3-dev sqlite3
    libpq-dev postgresql-15 postgresql-client-15
    libspdlog-dev libfmt-dev libssl-dev libtomlplusplus-dev libcli11-dev libcsv-dev
    libhowardhinnant-date-dev libicu-dev tzdata
    libgtest-dev libgmock-dev
    clang-format clang-tidy wrk
    python3-yaml docker-compose systemd openssl
    nodejs
)
# The folders whose sources are formatted and linted.
readonly SOURCE_DIRS=(bot handlers storage tests)
readonly TIDY_DIRS=(bot handlers storage)

step() { printf '\n==> %s\n' "$*" >&2; }
die() { printf 'dev.sh: %s\n' "$*" >&2; exit 1; }

as_root() {
    if [[ "$(id -u)" -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "need root (or sudo) to run: $*"
    fi
}

install_packages() {
    step "checking Debian packages"
    local missing=() package
    for package in "${PACKAGES[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q '^install ok installed$'; then
            missing+=("$package")
        fi
    done
    if [[ ${#missing[@]} -eq 0 ]]; then
        echo "all ${#PACKAGES[@]} packages present" >&2
        return
    fi
    step "installing: ${missing[*]}"
    # Only refresh the package lists when something has to be installed.
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update
    if [[ " ${missing[*]} " == *" postgresql-15 "* ]]; then
        no_main_cluster
    fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
}

# Debian's postgresql-15 creates and starts a cluster "main" on port 5432 when it is installed;
# the tests start a throwaway one of their own (tests/support/pg_cluster.sh). So postgresql-common
# comes first and is told not to (create_main_cluster, read by postgresql-15's postinst).
no_main_cluster() {
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql-common
    as_root pg_conftool /etc/postgresql-common/createcluster.conf set create_main_cluster false
}

# The tests' peers (the messengers' official SDKs, tests/peers) come from npm, pinned by
# package-lock.json. Debian's nodejs has npm in a package of its own; NodeSource's bundles it.
install_peers() {
    if ! command -v npm >/dev/null 2>&1; then
        step "installing npm"
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends npm
    fi
    step "installing the test peers (npm ci in tests/peers)"
    npm ci --prefix tests/peers --no-audit --no-fund --loglevel=error
}

build() {
    step "configuring (cmake --preset release)"
    cmake --preset release
    step "building (cmake --build --preset release)"
    cmake --build --preset release
}

run_tests() {
    step "running all tests (ctest --preset release)"
    ctest --preset release
}

# Lists the C++ sources under the given folders, NUL-separated, in a stable order.
sources() {
    find "$@" -type f \( -name '*.cpp' -o -name '*.hpp' \) -print0 | sort -z
}

check_format() {
    step "checking formatting (clang-format --dry-run --Werror over ${SOURCE_DIRS[*]})"
    local failed=() total=0 file
    while IFS= read -r -d '' file; do
        total=$((total + 1))
        if ! clang-format --dry-run --Werror "$file" >/dev/null 2>&1; then
            failed+=("$file")
        fi
    done < <(sources "${SOURCE_DIRS[@]}")
    if [[ ${#failed[@]} -gt 0 ]]; then
        printf '  not formatted: %s\n' "${failed[@]}" >&2
        die "${#failed[@]} of ${total} files are not formatted (fix: clang-format -i <file>)"
    fi
    echo "all ${total} files formatted" >&2
}

# Checks run by `test`. The full set in .clang-tidy (also modernize-* and readability-*) cost 14
# CPU-minutes over the 43 sources of bot/ handlers/ storage/ (21 min wall on a shared 2-core
# machine), too much next to a full build in a 30-minute budget; parsing Beast/Asio/SOCI headers
# dominates, so this focused set (bugs, performance, threads, naming) saves about a fifth.
# TIDY_CHECKS=all runs the full .clang-tidy set; editors always use the full set.
readonly TIDY_FOCUSED_CHECKS='-*,bugprone-*,-bugprone-easily-swappable-parameters,performance-*,concurrency-*,readability-identifier-naming'

run_clang_tidy() {
    # Every .cpp of bot/ handlers/ storage/, JOBS in parallel; bugprone-* findings are errors
    # (WarningsAsErrors in .clang-tidy), everything else is advice.
    local checks=()
    [[ "${TIDY_CHECKS:-focused}" == all ]] || checks=(-checks="$TIDY_FOCUSED_CHECKS")
    step "clang-tidy over ${TIDY_DIRS[*]} (-j${JOBS}, ${TIDY_CHECKS:-focused} checks)"
    [[ -f build/compile_commands.json ]] || die "build/compile_commands.json missing; build first"
    local files=() patterns=() file
    while IFS= read -r -d '' file; do
        files+=("$ROOT/$file")
    done < <(find "${TIDY_DIRS[@]}" -type f -name '*.cpp' -print0 | sort -z)
    [[ ${#files[@]} -gt 0 ]] || die "no sources for clang-tidy"
    # run-clang-tidy takes regular expressions: anchor each path.
    for file in "${files[@]}"; do
        patterns+=("^$(printf '%s' "$file" | sed 's/[][\.*^$+?(){}|]/\\&/g')\$")
    done
    if command -v run-clang-tidy >/dev/null 2>&1; then
        run-clang-tidy -p build -j "$JOBS" -quiet "${checks[@]}" "${patterns[@]}"
    else
        printf '%s\0' "${files[@]}" | xargs -0 -n 1 -P "$JOBS" clang-tidy -p build --quiet "${checks[@]}"
    fi
}

usage() {
    sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 2
}

main() {
    [[ $# -eq 1 ]] || usage
    cd "$ROOT"
    case "$1" in
        build)
            install_packages
            build
            ;;
        test)
            local started=$SECONDS
            install_packages
            install_peers
            build
            run_tests
            deploy/check.sh
            check_format
            run_clang_tidy
            step "all checks passed in $((SECONDS - started)) s"
            ;;
        run)
            install_packages
            build
            local listen="${INMAEK_SERVER_LISTEN:-127.0.0.1:8080}"
            step "migrating the database (build/inmaek migrate)"
            mkdir -p var
            build/inmaek migrate
            local secret_header=""
            if [[ -n "${INMAEK_TELEGRAM_SECRET_TOKEN:-}" ]]; then
                secret_header=" -H 'X-Telegram-Bot-Api-Secret-Token: \$INMAEK_TELEGRAM_SECRET_TOKEN'"
            fi
            cat >&2 <<EOF

inmaek is starting on http://${listen} (Ctrl-C stops it). In another terminal:

  build/inmaek chat                  talk to it here, no messenger needed (try /help)
  build/inmaek demo                  replay the 2025-02-04 Seoul story (카카오, OpenAI, …)
  curl -s http://${listen}/healthz
  curl -s -X POST http://${listen}/hooks/telegram${secret_header} \\
       -H 'Content-Type: application/json' \\
       --data-binary @tests/fixtures/telegram/korean_meeting.json

EOF
            exec build/inmaek serve --listen "$listen"
            ;;
        *)
            usage
            ;;
    esac
}

main "$@"
