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
# stops the servers whatever happens. The tests run under cargo-nextest
# when it is installed, cargo test otherwise. Arguments, if any, replace the
# default run with `cargo test ARGS` (e.g. `./scripts/test.sh -p
# attesto-driver-tests`).
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
# A phase that fails is counted, and the next one still runs: the closing
# line reports the whole run.
status=0
run() { "$@" 2>&1 | tee -a "$out" || status=1; }
phase() { log "$1 ($(( $(date +%s) - started )) s so far)"; }

if [ "$#" -gt 0 ]; then
    run cargo test "$@"
else
    # Three test crates have scripts of their own: the Galera tests need a
    # cluster (./scripts/test-galera.sh), the README's recipes build fresh
    # crates for minutes (./scripts/test-recipes.sh), and the reference
    # token endpoint builds an HTTP server and client
    # (./scripts/test-endpoint.sh).
    excluded=(--exclude attesto-galera-tests --exclude attesto-readme-tests --exclude attesto-bench-operations --exclude attesto-token-endpoint)
    # Every target the phases below run in one build (the benchmarks too):
    # one feature resolution, each dependency built once. Not
    # `--all-targets`, which also builds a test harness of each test
    # crate's library (`test = false`: it holds no test), 40 s of the two
    # cores.
    phase "building every target of the workspace, without the Galera tests and the README's recipes"
    run cargo test --workspace "${excluded[@]}" --tests --examples --bench '*' --no-run
    # The tests, on that build. cargo-nextest runs the test binaries side
    # by side (most tests wait on a server, four at a time keep two cores
    # busy); cargo test runs them one after another.
    phase "the tests"
    if cargo nextest --version >/dev/null 2>&1; then
        run cargo nextest run --workspace "${excluded[@]}" --no-fail-fast --test-threads 4
    else
        log "cargo-nextest not found: the tests run one binary at a time"
        run cargo test --workspace "${excluded[@]}" --no-fail-fast
    fi
    # The benchmarks in their quick test mode, so that they keep compiling
    # and running; doctests, which are not a target.
    phase "the benchmarks' smoke run and the doctests"
    run cargo test --workspace "${excluded[@]}" --bench '*'
    run cargo test --workspace "${excluded[@]}" --doc --no-fail-fast
    # The main job, end to end, as a user runs it.
    phase "the main job"
    run cargo run --quiet --example quickstart -- "$servers_tmp/quickstart.db"
fi

# One closing line for the whole run; zero tests run is a failure. cargo
# test ends each binary with "test result: ok. N passed; M failed; ...",
# cargo-nextest its run with "N tests run: P passed, F failed, ...".
read -r passed failed < <(awk '/^test result:/ || /tests? run:/ {
        for (i = 2; i <= NF; i++) {
            if ($i ~ /^passed[;,]?$/) p += $(i - 1)
            if ($i ~ /^failed[;,]?$/) f += $(i - 1)
        }
    } END { print p + 0, f + 0 }' "$out")
echo "summary: $passed passed, $failed failed in $(( $(date +%s) - started )) s"
if [ "$passed" -eq 0 ] || [ "$failed" -ne 0 ] || [ "$status" -ne 0 ]; then
    exit 1
fi
