#!/usr/bin/env bash
# What attesto costs a typical host (BENCHMARKS.md): `without` is an axum +
# tokio + serde + sqlx token service, `with` the same with attesto and one
# `attesto_migration!(integrations(sqlx))`. Two clean builds of each, in
# alternating order, then five incremental rebuilds of each, interleaved
# (the file with the invocation touched). Needs the network once, to fetch
# axum and the rest.
set -euo pipefail
cd "$(dirname "$0")"
now() { date +%s.%N; }
build() { (cd "$1" && cargo build -q); }
for order in "without with" "with without"; do
    for v in $order; do
        rm -rf "$v/target"
        s=$(now); build "$v"; e=$(now)
        echo "$v clean $(echo "$e - $s" | bc) s"
    done
done
for round in 1 2 3 4 5; do
    for v in without with; do
        touch "$v/src/main.rs"
        s=$(now); build "$v"; e=$(now)
        echo "$v incremental $(echo "$e - $s" | bc) s"
    done
done
