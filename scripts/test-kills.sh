#!/usr/bin/env bash
# `ensure` interrupted part-way, on private MariaDB and PostgreSQL servers
# started as the test command starts them, three ways: the process killed
# with `kill -9`, its session killed from another connection (`KILL` /
# `pg_terminate_backend`), and the server killed with `kill -9` (then
# started again on its data). The reference token endpoint
# (examples/token-endpoint), which runs `ensure` at startup, is started on
# a fresh database and interrupted at instants spread over its install;
# `attesto status` then reads what was left, and the endpoint started
# again must come up. On MariaDB, whose DDL commits statement by
# statement, an interruption can leave an interrupted install, which the
# next start completes (`Completed`); on PostgreSQL the install is one
# transaction, so it leaves nothing or everything. Fails when a next start
# fails or says anything but what the state calls for, when the database
# does not then hold the release, or when PostgreSQL shows anything but
# nothing or everything. CI runs it. Argument: the interruptions per way
# and server (default 12).
set -euo pipefail

cd "$(dirname "$0")/.."
# shellcheck source=scripts/servers.sh
source scripts/servers.sh

kills=${1:-12}
started=$(date +%s)
ensure_client_libraries
start_postgres
start_mariadb
cargo build --quiet -p attesto-token-endpoint -p attesto-cli
endpoint=target/debug/attesto-token-endpoint
attesto=target/debug/attesto
work="$servers_tmp/kills"
mkdir "$work"

now_ms() { date +%s%3N; }

# A fresh database of `server` named `name`; prints its URL.
fresh() {
    local server=$1 name=$2
    case $server in
    mariadb)
        mariadb --no-defaults --socket="$servers_tmp/mariadb/sock" -uroot -e "CREATE DATABASE $name"
        echo "${ATTESTO_TEST_MYSQL_URL%/*}/$name"
        ;;
    postgres)
        psql -q -d postgres -c "CREATE DATABASE $name"
        echo "${ATTESTO_TEST_DATABASE_URL%/*}/$name"
        ;;
    esac
}

# Starts the endpoint on `url` in the background, logging to `log`; sets
# `pid`.
start_endpoint() {
    local url=$1 log=$2 port
    port=$(free_port)
    : >"$log"
    DATABASE_URL=$url LISTEN="127.0.0.1:$port" RUST_LOG=info "$endpoint" >"$log" 2>&1 &
    pid=$!
    # Out of the job table: bash would report each kill as "Killed".
    disown "$pid"
}

# Waits until the endpoint `pid` has ended.
gone() {
    while kill -0 "$pid" 2>/dev/null; do sleep 0.01; done
}

# Waits until the endpoint logged that the schema is in place (exit 0) or
# exited (exit 1), 60 s at most, looking every 5 ms (the measure of an
# install is as fine as that).
wait_in_place() {
    local log=$1 i
    for i in $(seq 1 12000); do
        grep -q "schema is in place" "$log" && return 0
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.005
    done
    return 1
}

# Waits until the server has no session left on database `name` (the
# killed process's session ends when the server notices the closed
# socket, and may finish its statement first), 30 s at most.
settle() {
    local server=$1 name=$2 i n
    for i in $(seq 1 300); do
        case $server in
        mariadb)
            n=$(mariadb --no-defaults --socket="$servers_tmp/mariadb/sock" -uroot -N -e \
                "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = '$name'")
            ;;
        postgres)
            n=$(psql -qtA -d postgres -c "SELECT count(*) FROM pg_stat_activity WHERE datname = '$name'")
            ;;
        esac
        [ "$n" = 0 ] && return 0
        sleep 0.1
    done
    echo "test-kills: a session on $name outlived its process by 30 s" >&2
    exit 1
}

# What `attesto status` says of `url`: its "status" field (it exits 1 for
# anything but a match).
status_of() {
    "$attesto" status --database-url "$1" --table-prefix "" --format json 2>/dev/null \
        | sed -n 's/.*"status": *"\([a-z_]*\)".*/\1/p' | head -n 1 || true
}

# Interrupts the endpoint `pid`, started on database `name` of `server`,
# the `way` named.
interrupt() {
    local way=$1 server=$2 name=$3
    case $way in
    process) kill -9 "$pid" 2>/dev/null || true ;;
    session)
        case $server in
        mariadb)
            mariadb --no-defaults --socket="$servers_tmp/mariadb/sock" -uroot -N -e \
                "SELECT ID FROM information_schema.PROCESSLIST WHERE DB = '$name'" \
                | while read -r id; do
                    mariadb --no-defaults --socket="$servers_tmp/mariadb/sock" -uroot -e "KILL CONNECTION $id" 2>/dev/null || true
                done
            ;;
        postgres)
            psql -qtA -d postgres -c \
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '$name'" >/dev/null
            ;;
        esac
        kill -9 "$pid" 2>/dev/null || true
        ;;
    server)
        kill -9 "$pid" 2>/dev/null || true
        "crash_$server"
        ;;
    esac
    gone
}

for server in mariadb postgres; do
    # How long a start with its install takes, to spread the interruptions
    # over it.
    url=$(fresh "$server" "measure_$server")
    port=$(free_port)
    : >"$work/measure-$server.log"
    t0=$(now_ms)
    DATABASE_URL=$url LISTEN="127.0.0.1:$port" RUST_LOG=info "$endpoint" >"$work/measure-$server.log" 2>&1 &
    pid=$!
    disown "$pid"
    wait_in_place "$work/measure-$server.log" || { cat "$work/measure-$server.log" >&2; exit 1; }
    install_ms=$(( $(now_ms) - t0 ))
    kill -9 "$pid"; gone
    log "$server: a start with its install takes $install_ms ms; $kills interruptions of each way spread over it"
    for way in process session server; do
        declare -A seen=()
        for i in $(seq 1 "$kills"); do
            name="${way}_${server}_$i"
            url=$(fresh "$server" "$name")
            delay_ms=$(( install_ms * i / (kills + 1) ))
            start_endpoint "$url" "$work/$name.log"
            sleep "$(printf '%d.%03d' $(( delay_ms / 1000 )) $(( delay_ms % 1000 )))"
            interrupt "$way" "$server" "$name"
            settle "$server" "$name"
            left=$(status_of "$url")
            seen[$left]=$(( ${seen[$left]:-0} + 1 ))
            if [ "$server" = postgres ] && [ "$left" != absent ] && [ "$left" != match ]; then
                echo "test-kills: PostgreSQL left '$left' after a $way kill at $delay_ms ms: an install is all or nothing" >&2
                exit 1
            fi
            again="$work/$name-again.log"
            start_endpoint "$url" "$again"
            if ! wait_in_place "$again"; then
                echo "test-kills: $server, $way kill $i at $delay_ms ms left '$left', and the next start failed:" >&2
                cat "$again" >&2
                exit 1
            fi
            ensured=$(sed -n 's/.*ensured=\([A-Za-z]*\).*/\1/p' "$again" | head -n 1)
            kill -9 "$pid"; gone
            after=$(status_of "$url")
            if [ "$after" != match ]; then
                echo "test-kills: $server, $way kill $i: after the next start ($ensured) status is '$after'" >&2
                exit 1
            fi
            case "$left/$ensured" in
            absent/Installed | match/Verified | interrupted/Completed) ;;
            *)
                echo "test-kills: $server, $way kill $i at $delay_ms ms left '$left' and the next start said $ensured" >&2
                exit 1
                ;;
            esac
        done
        summary=""
        for state in "${!seen[@]}"; do summary+=" $state=${seen[$state]}"; done
        log "$server, $way kills: status after each was$summary; every next start came up, as the state called for"
        unset seen
    done
done
echo "test-kills: passed in $(( $(date +%s) - started )) s"
