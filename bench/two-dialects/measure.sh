#!/usr/bin/env bash
# Two designs of one storage layer for PostgreSQL and SQLite
# (BENCHMARKS.md, "Two dialects"): `one` is one invocation of both
# dialects (`dialects("postgres", "sqlite")`: its `src/main.rs` is the
# README's recipe `service-several-dialects`, taken from the README at each
# run), `two` one invocation per dialect and the adapter a service writes
# over them.
# Prints each program's lines of code (neither blank nor comment), runs
# each on SQLite (and on PostgreSQL when ATTESTO_TEST_DATABASE_URL is
# set), then times `cargo build` of each: clean (target removed, crates in
# cargo's cache) in alternating order, and incremental (main.rs touched),
# interleaved. Argument: incremental rounds (default 5).
set -euo pipefail
cd "$(dirname "$0")"
rounds=${1:-5}
now() { date +%s.%N; }
build() { (cd "$1" && cargo build -q 2>&1); }
# The recipe's Rust block, as the README has it.
mkdir -p one/src
awk '/<!-- recipe: service-several-dialects/ { on = 1 } on && /^```rs$/ { code = 1; next }
     code && /^```$/ { exit } code { print }' ../../README.md >one/src/main.rs
[ -s one/src/main.rs ] || { echo "no recipe service-several-dialects in README.md" >&2; exit 1; }
for v in one two; do
    code=$(grep -cvE '^\s*(//.*)?$' "$v/src/main.rs")
    echo "$v: $code lines of code"
done
for v in one two; do
    build "$v"
    file=$(mktemp -u /tmp/two-dialects-XXXXXX.db)
    DATABASE_URL="sqlite://$file" "$v/target/debug/two-dialects-$v"
    rm -f "$file" "$file-wal" "$file-shm"
    if [ -n "${ATTESTO_TEST_DATABASE_URL:-}" ]; then
        db="two_dialects_${v}_$$"
        psql -q "$ATTESTO_TEST_DATABASE_URL" -c "CREATE DATABASE $db"
        DATABASE_URL="${ATTESTO_TEST_DATABASE_URL%/*}/$db" "$v/target/debug/two-dialects-$v"
    fi
done
for order in "one two" "two one"; do
    for v in $order; do
        rm -rf "$v/target"
        s=$(now); build "$v"; e=$(now)
        echo "$v clean $(echo "$e - $s" | bc) s"
    done
done
for round in $(seq 1 "$rounds"); do
    for v in one two; do
        touch "$v/src/main.rs"
        s=$(now); build "$v"; e=$(now)
        echo "$v incremental $(echo "$e - $s" | bc) s"
    done
done
