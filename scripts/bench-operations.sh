#!/usr/bin/env bash
# The operations benchmark (bench/operations; BENCHMARKS.md says what it
# measures): starts private PostgreSQL and MariaDB servers as the test
# command does, loads the tables at a fraction of a real server's volumes
# (the first argument, default 0.1; 1 is the full volumes) and runs the
# generated sqlx methods against hand-written sqlx, in a release build.
# The report is printed and written to target/bench-operations.md. CI runs
# it at a small scale after the other scripts.
set -euo pipefail

cd "$(dirname "$0")/.."
# shellcheck source=scripts/servers.sh
source scripts/servers.sh

scale="${1:-0.1}"
seconds="${2:-1}"
started=$(date +%s)
ensure_client_libraries
start_postgres
start_mariadb
mkdir -p target
cargo run --release --quiet -p attesto-bench-operations -- \
    --scale "$scale" --seconds "$seconds" --out target/bench-operations.md
echo "bench-operations: scale $scale in $(( $(date +%s) - started )) s"
