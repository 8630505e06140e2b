#!/usr/bin/env bash
# Runs every test of the workspace against a real PostgreSQL and an embedded
# SQLite. Installs PostgreSQL (Debian's `postgresql`) when it is missing,
# starts a private cluster on a loopback port under a temporary directory,
# exports its URL as ATTESTO_TEST_DATABASE_URL, runs `cargo test`, and stops
# the cluster whatever happens. Arguments, if any, replace the default
# `cargo test` arguments (e.g. `./scripts/test.sh -p attesto-tests --test db`).
set -euo pipefail

cd "$(dirname "$0")/.."

log() { printf '==> %s\n' "$*" >&2; }

find_pg_bin() {
    local dir
    for dir in /usr/lib/postgresql/*/bin; do
        if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
            echo "$dir"
        fi
    done | sort -V | tail -n 1
}

pg_bin=$(find_pg_bin)
if [ -z "$pg_bin" ]; then
    log "PostgreSQL not found; installing Debian's postgresql package"
    if [ "$(id -u)" -ne 0 ]; then
        echo "error: PostgreSQL is not installed and installing it needs root" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q postgresql
    pg_bin=$(find_pg_bin)
    if [ -z "$pg_bin" ]; then
        echo "error: installed postgresql but found no initdb under /usr/lib/postgresql" >&2
        exit 1
    fi
fi

# PostgreSQL refuses to run as root: run the cluster as the `postgres` user
# the package creates.
as_pg() { "$@"; }
if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin postgres
    as_pg() { runuser -u postgres -- "$@"; }
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/attesto-pg.XXXXXX")
chmod 755 "$tmp"
data="$tmp/data"
mkdir "$data"
[ "$(id -u)" -ne 0 ] || chown -R postgres "$tmp"

cleanup() {
    as_pg "$pg_bin/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT

# A free loopback port: let the kernel pick one (python3 is on the
# machines we run on; otherwise try a random high port).
if command -v python3 >/dev/null 2>&1; then
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
else
    port=$((40000 + RANDOM % 20000))
fi

log "starting PostgreSQL ($("$pg_bin/postgres" --version)) on 127.0.0.1:$port"
as_pg "$pg_bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C >"$tmp/initdb.log" 2>&1 \
    || { cat "$tmp/initdb.log" >&2; exit 1; }
as_pg "$pg_bin/pg_ctl" -D "$data" -l "$tmp/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $tmp -c fsync=off" start >/dev/null \
    || { cat "$tmp/server.log" >&2; exit 1; }

export ATTESTO_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
export PGPORT=$port PGHOST=127.0.0.1 PGUSER=postgres
log "ATTESTO_TEST_DATABASE_URL=$ATTESTO_TEST_DATABASE_URL"

# Keep what cargo test prints, to count the tests at the end.
out="$tmp/cargo-test.log"
run() { "$@" 2>&1 | tee -a "$out"; }

if [ "$#" -gt 0 ]; then
    run cargo test "$@"
else
    # Unit, integration, UI, real-database and README tests; then the
    # benchmark in its quick test mode, so that it keeps compiling and
    # running; then the main job, end to end.
    run cargo test --workspace
    run cargo test -p attesto-macros --bench expand
    run cargo run --quiet --example quickstart -- "$tmp/quickstart.db"
fi

# One closing line for the whole run; zero tests run is a failure.
read -r passed failed < <(awk '/^test result:/ {
        for (i = 2; i <= NF; i++) {
            if ($i ~ /^passed;?$/) p += $(i - 1)
            if ($i ~ /^failed;?$/) f += $(i - 1)
        }
    } END { print p + 0, f + 0 }' "$out")
echo "summary: $passed passed, $failed failed"
if [ "$passed" -eq 0 ] || [ "$failed" -ne 0 ]; then
    exit 1
fi
