#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests (the ctest fixture `postgres` runs it):
#
#   tests/support/pg_cluster.sh start DIR   initdb into DIR, serve on 127.0.0.1:<free port>, and
#                                           write DIR/url, the SOCI URL of its admin database
#   tests/support/pg_cluster.sh stop DIR    stop the server (fast shutdown) and remove DIR
#
# DIR/url reads `postgresql://host=127.0.0.1 port=N dbname=postgres user=inmaek_test password=…`;
# inmaek_test is the cluster's superuser. DIR/env holds the same as PG* variables for psql by
# hand (`. DIR/env && psql`). PostgreSQL refuses to run as root: as root, the server runs as the
# system user inmaek-test (created when missing). Durability is off (fsync, full-page writes,
# synchronous commit): the cluster is for tests only. `start` on a running cluster of DIR reuses
# it; a dead or half-made one is replaced. `stop` on a missing DIR does nothing.
#
# Env: PG_BINDIR (default: the newest /usr/lib/postgresql/*/bin), PG_TEST_USER (inmaek-test),
# PG_TEST_PORT (the port to try first; default: a free one below the ephemeral range).
set -euo pipefail

readonly SERVER_USER="${PG_TEST_USER:-inmaek-test}"
readonly ROLE=inmaek_test
readonly ATTEMPTS=10

die() {
    printf 'pg_cluster.sh: %s\n' "$*" >&2
    exit 1
}
say() { printf 'pg_cluster.sh: %s\n' "$*" >&2; }

usage() {
    sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

find_bindir() {
    if [[ -n "${PG_BINDIR:-}" ]]; then
        [[ -x "$PG_BINDIR/initdb" ]] || die "PG_BINDIR=$PG_BINDIR has no initdb"
        printf '%s\n' "$PG_BINDIR"
        return
    fi
    local candidate
    candidate="$(find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/initdb' 2>/dev/null \
        | sort -V | tail -n 1)"
    if [[ -z "$candidate" ]]; then
        candidate="$(command -v initdb || true)"
    fi
    [[ -n "$candidate" ]] \
        || die "the PostgreSQL server is not installed (Debian: postgresql-15; deploy/dev.sh build installs it)"
    dirname "$candidate"
}

# The user the server runs as: this one, or SERVER_USER when this one is root.
server_user() {
    if [[ "$(id -u)" -ne 0 ]]; then
        id -un
        return
    fi
    if ! id -u "$SERVER_USER" >/dev/null 2>&1; then
        say "creating the system user $SERVER_USER (PostgreSQL does not run as root)"
        # A parallel start may have created it meanwhile: only a still-missing user is an error.
        useradd --system --user-group --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin --comment 'inmaek test PostgreSQL' "$SERVER_USER" 2>/dev/null \
            || id -u "$SERVER_USER" >/dev/null 2>&1 \
            || die "could not create the system user $SERVER_USER (useradd)"
    fi
    printf '%s\n' "$SERVER_USER"
}

# Runs a command as the server user, from / (the caller's directory may be closed to that user),
# without the lock's descriptor: a postmaster inheriting it would hold the lock until it stops.
as_user() {
    local user="$1"
    shift
    if [[ "$user" == "$(id -un)" ]]; then
        (cd / && "$@" 9<&-)
    else
        (cd / && runuser -u "$user" -- "$@" 9<&-)
    fi
}

# A port below the kernel's ephemeral range (so no client socket takes it meanwhile) that nothing
# listens on now; the start retries with another one if it is taken before the server binds it.
pick_port() {
    local low=32768 port _
    if [[ -r /proc/sys/net/ipv4/ip_local_port_range ]]; then
        read -r low _ </proc/sys/net/ipv4/ip_local_port_range
    fi
    ((low > 20000)) || low=32768
    for _ in $(seq 50); do
        port=$((15000 + (RANDOM * 32768 + RANDOM) % (low - 15000)))
        if ! command -v ss >/dev/null 2>&1 || [[ -z "$(ss -Htln "sport = :$port" 2>/dev/null)" ]]; then
            printf '%s\n' "$port"
            return
        fi
    done
    die "no free loopback port found"
}

show_log() {
    local log="$1"
    if [[ -s "$log" ]]; then
        printf '%s\n' "---- $log (last 40 lines) ----" >&2
        tail -n 40 "$log" >&2
        printf '%s\n' "---- end of $log ----" >&2
    fi
}

# C.UTF-8 where glibc has it (Debian 12 does), else C; the encoding is UTF-8 either way.
pick_locale() {
    if locale -a 2>/dev/null | grep -qix 'c\.utf-\{0,1\}8'; then
        printf 'C.UTF-8\n'
    else
        printf 'C\n'
    fi
}

# The server's settings; `port` changes between start attempts.
write_settings() {
    local user="$1" data="$2" port="$3" socket_dir=""
    # A Unix socket path must fit in 107 bytes; a deep build tree goes without one (TCP only).
    if ((${#data} + 20 < 100)); then
        socket_dir="$data"
    fi
    as_user "$user" tee "$data/inmaek_test.conf" >/dev/null <<EOF
# Written by tests/support/pg_cluster.sh: a throwaway test cluster, no durability.
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$socket_dir'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
dynamic_shared_memory_type = mmap
timezone = 'UTC'
log_timezone = 'UTC'
EOF
}

read_port() {
    sed -n 's/^port = \([0-9]*\)$/\1/p' "$1/inmaek_test.conf" 2>/dev/null
}

# True when DIR has a server of ours answering on its port, and the URL the tests read.
is_running() {
    local dir="$1" bindir="$2" port
    [[ -s "$dir/url" && -f "$dir/pg/data/postmaster.pid" ]] || return 1
    port="$(read_port "$dir/pg/data")"
    [[ -n "$port" ]] && "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -t 2
}

stop_server() {
    local dir="$1" bindir="$2" home data owner
    home="$(readlink -f "$dir/pg")"
    data="$home/data"
    [[ -d "$data" ]] || return 0
    owner="$(stat -c %U "$data")"
    if [[ "$owner" != "$(id -un)" && "$(id -u)" -ne 0 ]]; then
        die "the cluster in $dir belongs to $owner: stop it as root or as $owner"
    fi
    [[ -f "$data/postmaster.pid" ]] || return 0
    if ! as_user "$owner" "$bindir/pg_ctl" stop -D "$data" -m fast -w -t 60 >/dev/null 2>&1; then
        # Not running (a stale pid file), or not stopping: make sure.
        as_user "$owner" "$bindir/pg_ctl" stop -D "$data" -m immediate -w -t 30 >/dev/null 2>&1 || true
    fi
    if as_user "$owner" "$bindir/pg_ctl" status -D "$data" >/dev/null 2>&1; then
        show_log "$home/server.log"
        die "the server of $data does not stop"
    fi
}

# True when DIR is missing, empty or made by this script: only such a folder is replaced.
ours() {
    local dir="$1"
    [[ ! -e "$dir" || -e "$dir/pg" || -L "$dir/pg" || -e "$dir/url" ]] && return 0
    [[ -d "$dir" && -z "$(ls -A "$dir")" ]]
}

# Removes DIR and the folder its pg/ link points to (when the data lives outside DIR).
remove_dir() {
    local dir="$1" target
    if [[ -L "$dir/pg" ]]; then
        target="$(readlink "$dir/pg")"
        case "$target" in
            /tmp/inmaek-pg.* | "${TMPDIR:-/tmp}"/inmaek-pg.*) rm -rf -- "$target" ;;
            *) say "not removing $target (unexpected target of $dir/pg)" ;;
        esac
    fi
    rm -rf -- "$dir"
}

start() {
    local dir="$1" bindir user started="${EPOCHREALTIME/./}"
    bindir="$(find_bindir)"
    if is_running "$dir" "$bindir"; then
        say "already running: $(sed 's/password=[^ ]*/password=…/' "$dir/url")"
        return
    fi
    # Whatever is left of an earlier run (a crashed ctest, a failed start) goes.
    if [[ -e "$dir" ]]; then
        stop_server "$dir" "$bindir"
        remove_dir "$dir"
    fi
    user="$(server_user)"

    mkdir -p "$dir"
    chmod 0755 "$dir"
    # pg/ belongs to the server user; when that user cannot reach DIR (a closed parent folder),
    # pg/ is a link to a folder under /tmp.
    mkdir "$dir/pg"
    chmod 0700 "$dir/pg"
    [[ "$user" == "$(id -un)" ]] || chown "$user:" "$dir/pg"
    if ! as_user "$user" test -w "$dir/pg"; then
        local outside
        outside="$(mktemp -d "${TMPDIR:-/tmp}/inmaek-pg.XXXXXX")"
        chown "$user:" "$outside"
        rmdir "$dir/pg"
        ln -s "$outside" "$dir/pg"
    fi
    # The server user works in pg/'s real folder, never through a link in a folder closed to it.
    local home
    home="$(readlink -f "$dir/pg")"
    as_user "$user" test -w "$home" || die "$user cannot write to $home"
    local data="$home/data" log="$home/server.log"

    local password
    password="$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
    printf '%s\n' "$password" | as_user "$user" tee "$home/password" >/dev/null
    local locale
    locale="$(pick_locale)"
    # Host (TCP) connections authenticate with the password; the Unix socket lies in the data
    # folder, which only the server user (and root) can open, and trusts.
    if ! as_user "$user" env LC_ALL="$locale" "$bindir/initdb" -D "$data" -U "$ROLE" \
        --pwfile="$home/password" --auth-host=scram-sha-256 --auth-local=trust \
        --encoding=UTF8 --locale="$locale" --no-sync >"$dir/initdb.log" 2>&1; then
        cat "$dir/initdb.log" >&2
        die "initdb into $data failed"
    fi
    rm -f "$home/password"
    printf "include 'inmaek_test.conf'\n" | as_user "$user" tee -a "$data/postgresql.conf" >/dev/null

    local port="" attempt
    for attempt in $(seq "$ATTEMPTS"); do
        if [[ $attempt -eq 1 && -n "${PG_TEST_PORT:-}" ]]; then
            port="$PG_TEST_PORT"
        else
            port="$(pick_port)"
        fi
        write_settings "$user" "$data" "$port"
        : | as_user "$user" tee "$log" >/dev/null
        if as_user "$user" env LC_ALL="$locale" "$bindir/pg_ctl" start -D "$data" -l "$log" -w -t 60 \
            >"$dir/pg_ctl.log" 2>&1; then
            break
        fi
        if grep -q 'could not bind\|Address already in use' "$log" \
            && ! as_user "$user" "$bindir/pg_ctl" status -D "$data" >/dev/null 2>&1; then
            say "port $port was taken (attempt $attempt of $ATTEMPTS), trying another"
            port=""
            continue
        fi
        cat "$dir/pg_ctl.log" >&2
        show_log "$log"
        stop_server "$dir" "$bindir" || true
        die "the server did not start (data in $data)"
    done
    [[ -n "$port" ]] || die "no free port after $ATTEMPTS attempts"

    local waited
    for waited in $(seq 100); do
        "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -t 2 && break
        if ((waited == 100)); then
            show_log "$log"
            die "the server on 127.0.0.1:$port does not answer"
        fi
        sleep 0.1
    done

    local url="postgresql://host=127.0.0.1 port=$port dbname=postgres user=$ROLE password=$password"
    (
        umask 077
        printf '%s\n' "$url" >"$dir/url.tmp"
        mv "$dir/url.tmp" "$dir/url"
        cat >"$dir/env" <<EOF
export PGHOST=127.0.0.1 PGPORT=$port PGDATABASE=postgres PGUSER=$ROLE PGPASSWORD=$password
EOF
    )
    say "PostgreSQL $("$bindir/postgres" -V | sed -n 's/^postgres (PostgreSQL) \([^ ]*\).*/\1/p') up in $(((${EPOCHREALTIME/./} - started) / 1000)) ms as $user on 127.0.0.1:$port (data in $data); URL in $dir/url"
}

stop() {
    local dir="$1" bindir started="${EPOCHREALTIME/./}"
    if [[ ! -e "$dir" ]]; then
        say "nothing to stop in $dir"
        return
    fi
    bindir="$(find_bindir)"
    stop_server "$dir" "$bindir"
    remove_dir "$dir"
    say "stopped and removed $dir in $(((${EPOCHREALTIME/./} - started) / 1000)) ms"
}

main() {
    [[ $# -eq 2 ]] || usage
    local dir="$2"
    [[ -n "$dir" && "$dir" != / ]] || die "refusing the folder '$dir'"
    # An absolute path: the server commands run from /.
    dir="$(realpath -m -- "$dir")"
    ours "$dir" || die "$dir exists and is not a cluster folder of this script: not touching it"
    # One start or stop at a time under the same parent folder (a lock on that folder).
    mkdir -p "$(dirname "$dir")"
    exec 9<"$(dirname "$dir")"
    flock 9
    case "$1" in
        start) start "$dir" ;;
        stop) stop "$dir" ;;
        *) usage ;;
    esac
}

main "$@"
