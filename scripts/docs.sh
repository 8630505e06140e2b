#!/usr/bin/env bash
# The docs of every publishable crate as docs.rs builds them: the features
# of each crate's [package.metadata.docs.rs] (attesto: `example`, one real
# expansion with integrations(sqlx) on PostgreSQL), `--cfg docsrs`, and
# every rustdoc warning an error. Then a check that the example's page
# holds every generated method of the sqlx integration with its signature.
# CI runs it.
set -euo pipefail

cd "$(dirname "$0")/.."
export RUSTDOCFLAGS="--cfg docsrs -D warnings"
# attesto-cli: its library (`attesto_cli::run`); its binary is `doc = false`
# (`attesto --help` is the binary's reference).
cargo doc --no-deps -p attesto-schema -p attesto-macros-core -p attesto-macros -p attesto-cli
cargo doc --no-deps -p attesto --features example
page=target/doc/attesto/example/struct.AuthorizationCodeRow.html
for method in put take get mark_consumed record_access_token revoke_family_access_tokens access_token_revoked sweep; do
    grep -q "id=\"method.$method\"" "$page" || { echo "docs: $page lacks the method $method" >&2; exit 1; }
done
for item in fn.verify fn.ensure fn.sweep_all enum.CodeTake enum.RefreshConsume struct.Swept constant.UP_SQL; do
    [ -e "target/doc/attesto/example/$item.html" ] || { echo "docs: attesto::example lacks $item" >&2; exit 1; }
done
echo "docs: built as docs.rs would, no warning"
