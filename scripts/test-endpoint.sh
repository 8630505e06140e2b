#!/usr/bin/env bash
# The reference token endpoint (examples/token-endpoint), driven by the
# `oauth2` crate as its client: the whole flow, a code redeemed twice, a
# refresh token replayed, sixteen concurrent exchanges of one code, DPoP
# and the sweeper, on SQLite and on private PostgreSQL and MariaDB servers
# started as the test command starts them. CI runs it after the test
# command. Arguments are passed to `cargo test`.
set -euo pipefail

cd "$(dirname "$0")/.."
# shellcheck source=scripts/servers.sh
source scripts/servers.sh

started=$(date +%s)
ensure_client_libraries
start_postgres
start_mariadb
cargo test -p attesto-token-endpoint "$@"
echo "test-endpoint: passed in $(( $(date +%s) - started )) s"
