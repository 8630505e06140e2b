#!/usr/bin/env bash
# Every publishable crate through `cargo publish --dry-run`, in dependency
# order (cargo packages them together, each against the others' packages):
# attesto-schema, attesto-macros-core, attesto-macros, attesto, attesto-cli.
# Each package is built from its `.crate` as crates.io would. Fails on any
# warning but the one a dry run always prints ("aborting upload due to dry
# run"), and prints each package's size. CI runs it.
set -euo pipefail

cd "$(dirname "$0")/.."
# cargo takes a registry package as never changing: it extracts each
# package of a multi-package dry run into its source cache, and builds it
# into the target directory, under its name and version alone, and reuses
# both on the next run. After a change, the next dry run would verify the
# other packages against the previous run's attesto-schema. So the
# local-registry extractions (directories named by the overlay's hash, with
# a leading '-') and the build records of attesto's packages go first; the
# workspace's own builds of them redo a few seconds of work.
rm -rf "${CARGO_HOME:-$HOME/.cargo}"/registry/src/-*/attesto*-[0-9]*
rm -rf target/debug/.fingerprint/attesto*
log=$(mktemp)
trap 'rm -f "$log"' EXIT
cargo publish --dry-run --allow-dirty \
    -p attesto-schema -p attesto-macros-core -p attesto-macros -p attesto -p attesto-cli 2>&1 | tee "$log"
if grep '^warning' "$log" | grep -qv 'aborting upload due to dry run'; then
    echo "publish-dry-run: cargo warned (above)" >&2
    exit 1
fi
# A multi-package dry run leaves the packages it built in tmp-crate.
dir=target/package/tmp-crate
[ -d "$dir" ] || dir=target/package
for crate in "$dir"/*.crate; do
    printf '%s\t%s bytes\n' "$(basename "$crate")" "$(wc -c < "$crate")"
done
