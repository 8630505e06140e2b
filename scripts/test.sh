#!/usr/bin/env bash
# The README's test command: every test of the workspace (unit, UI,
# snapshot, property, CLI, host-crate and real-database tests), the bench's
# smoke run and the quickstart, against a real PostgreSQL and a real
# MariaDB, and an embedded SQLite.
#
# Installs PostgreSQL (Debian's `postgresql`) and MariaDB (`mariadb-server`)
# when they are missing, starts a private server of each on a free loopback
# port under a temporary directory, exports their URLs as
# ATTESTO_TEST_DATABASE_URL and ATTESTO_TEST_MYSQL_URL, runs the tests, and
# stops the servers whatever happens. Arguments, if any, replace the default
# `cargo test` arguments (e.g. `./scripts/test.sh -p attesto-driver-tests`).
set -euo pipefail

cd "$(dirname "$0")/.."
# shellcheck source=scripts/servers.sh
source scripts/servers.sh

started=$(date +%s)
ensure_client_libraries
start_postgres
start_mariadb

# Keep what cargo test prints, to count the tests at the end.
out="$servers_tmp/cargo-test.log"
run() { "$@" 2>&1 | tee -a "$out"; }
phase() { log "$1 ($(( $(date +%s) - started )) s so far)"; }

if [ "$#" -gt 0 ]; then
    run cargo test "$@"
else
    # Two test crates have scripts of their own: the Galera tests need a
    # cluster (./scripts/test-galera.sh), the README's recipes build fresh
    # crates for minutes (./scripts/test-recipes.sh).
    phase "cargo test --workspace, without the Galera tests and the README's recipes"
    run cargo test --workspace --exclude attesto-galera-tests --exclude attesto-readme-tests
    # The benchmark in its quick test mode, so that it keeps compiling and
    # running; then the main job, end to end.
    phase "expansion benchmark, smoke run"
    run cargo test -p attesto-macros-core --bench expand
    phase "the main job"
    run cargo run --quiet --example quickstart -- "$servers_tmp/quickstart.db"
fi

# One closing line for the whole run; zero tests run is a failure.
read -r passed failed < <(awk '/^test result:/ {
        for (i = 2; i <= NF; i++) {
            if ($i ~ /^passed;?$/) p += $(i - 1)
            if ($i ~ /^failed;?$/) f += $(i - 1)
        }
    } END { print p + 0, f + 0 }' "$out")
echo "summary: $passed passed, $failed failed in $(( $(date +%s) - started )) s"
if [ "$passed" -eq 0 ] || [ "$failed" -ne 0 ]; then
    exit 1
fi
