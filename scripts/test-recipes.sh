#!/usr/bin/env bash
# The README's recipes, each built as a fresh host crate from the README's
# own `[dependencies]` lines and code, and run against a real database:
# the PostgreSQL and MariaDB servers of scripts/servers.sh, and SQLite
# files. Separate from ./scripts/test.sh because building every recipe's
# dependencies (sqlx, postgres, rusqlite, diesel, sea-orm, each with the
# recipe's features) takes minutes; CI runs both. Arguments are passed to
# `cargo test`.
set -euo pipefail

cd "$(dirname "$0")/.."
# shellcheck source=scripts/servers.sh
source scripts/servers.sh

started=$(date +%s)
ensure_client_libraries
start_postgres
start_mariadb
cargo test -p attesto-readme-tests "$@" -- --nocapture
echo "recipes: passed in $(( $(date +%s) - started )) s"
