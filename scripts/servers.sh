# Sourced by the test scripts: private PostgreSQL and MariaDB servers on
# loopback ports under one temporary directory, stopped on exit. Installs
# Debian's packages when a server is missing (as root).

log() { printf '==> %s\n' "$*" >&2; }

servers_tmp=$(mktemp -d "${TMPDIR:-/tmp}/attesto-servers.XXXXXX")
chmod 755 "$servers_tmp"
stoppers=()
stop_servers() {
    local stop
    for stop in "${stoppers[@]}"; do
        eval "$stop" >/dev/null 2>&1 || true
    done
    rm -rf "$servers_tmp"
}
trap stop_servers EXIT

# Installs Debian packages, or fails saying why it cannot.
install_packages() {
    if [ "$(id -u)" -ne 0 ]; then
        echo "error: $* not installed, and installing needs root" >&2
        exit 1
    fi
    log "installing Debian's $*"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    apt-get install -y -q "$@" >/dev/null
}

# The C client libraries diesel links (libpq for PostgreSQL, MariaDB
# Connector/C for MySQL), found through pkg-config: installed when missing.
ensure_client_libraries() {
    local package missing=()
    for package in libpq-dev libmariadb-dev pkg-config; do
        dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        install_packages "${missing[@]}"
    fi
}

# A free loopback port, chosen by the kernel.
free_port() {
    if command -v python3 >/dev/null 2>&1; then
        python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
    else
        echo $((40000 + RANDOM % 20000))
    fi
}

find_pg_bin() {
    local dir
    for dir in /usr/lib/postgresql/*/bin; do
        if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
            echo "$dir"
        fi
    done | sort -V | tail -n 1
}

# PostgreSQL refuses to run as root: as root, run it as `postgres`.
as_user() {
    local user=$1
    shift
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u "$user" -- "$@"
    else
        "$@"
    fi
}

start_postgres() {
    local pg_bin data port
    pg_bin=$(find_pg_bin)
    if [ -z "$pg_bin" ]; then
        install_packages postgresql
        pg_bin=$(find_pg_bin)
        [ -n "$pg_bin" ] || { echo "error: no initdb under /usr/lib/postgresql" >&2; exit 1; }
    fi
    if [ "$(id -u)" -eq 0 ]; then
        id postgres >/dev/null 2>&1 || useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin postgres
    fi
    data="$servers_tmp/pg"
    mkdir "$data"
    [ "$(id -u)" -ne 0 ] || chown postgres "$data"
    port=$(free_port)
    log "starting PostgreSQL ($("$pg_bin/postgres" --version)) on 127.0.0.1:$port"
    as_user postgres "$pg_bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C >"$servers_tmp/initdb.log" 2>&1 \
        || { cat "$servers_tmp/initdb.log" >&2; exit 1; }
    as_user postgres "$pg_bin/pg_ctl" -D "$data" -l "$data/server.log" -w \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $data -c fsync=off -c max_connections=300" start >/dev/null \
        || { cat "$data/server.log" >&2; exit 1; }
    stoppers+=("as_user postgres '$pg_bin/pg_ctl' -D '$data' -m immediate -w stop")
    export ATTESTO_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
    export PGPORT=$port PGHOST=127.0.0.1 PGUSER=postgres
    log "ATTESTO_TEST_DATABASE_URL=$ATTESTO_TEST_DATABASE_URL"
}

# Waits until the private MariaDB server answers, 10 s at most.
wait_for_mariadb() {
    local i
    for i in $(seq 1 100); do
        mariadb --no-defaults --socket="$servers_tmp/mariadb/sock" -uroot -e 'SELECT 1' >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "MariaDB did not answer in 10 s:" >&2
    tail -n 20 "$servers_tmp/mariadb.log" >&2
    exit 1
}

# Kills the private MariaDB server with SIGKILL, as a crash would, and
# starts it again on its data (crash recovery), with the same settings.
crash_mariadb() {
    local pid
    pid=$(cat "$servers_tmp/mariadb/pid")
    kill -9 "$pid"
    # The server is this shell's child: reap it here, quietly (bash would
    # report it "Killed").
    { wait "$pid"; } 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
    mariadbd "${mariadb_args[@]}" >>"$servers_tmp/mariadb.log" 2>&1 &
    wait_for_mariadb
}

# The same for PostgreSQL: an immediate stop (no checkpoint: recovery
# from the log at the next start), then a start.
crash_postgres() {
    local pg_bin
    pg_bin=$(find_pg_bin)
    as_user postgres "$pg_bin/pg_ctl" -D "$servers_tmp/pg" -m immediate -w stop >/dev/null
    as_user postgres "$pg_bin/pg_ctl" -D "$servers_tmp/pg" -l "$servers_tmp/pg/server.log" -w \
        -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $servers_tmp/pg -c fsync=off -c max_connections=300" start >/dev/null
}

start_mariadb() {
    local data port user=()
    if ! command -v mariadbd >/dev/null 2>&1 || ! command -v mariadb-install-db >/dev/null 2>&1; then
        install_packages mariadb-server
    fi
    data="$servers_tmp/mariadb"
    mkdir "$data"
    if [ "$(id -u)" -eq 0 ]; then
        id mysql >/dev/null 2>&1 || useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin mysql
        chown mysql "$data"
        user=(--user=mysql)
    fi
    port=$(free_port)
    log "starting MariaDB ($(mariadbd --version | awk '{print $3}')) on 127.0.0.1:$port"
    mariadb-install-db --no-defaults --datadir="$data/data" "${user[@]}" \
        --auth-root-authentication-method=normal --skip-test-db >"$servers_tmp/mariadb-install.log" 2>&1 \
        || { cat "$servers_tmp/mariadb-install.log" >&2; exit 1; }
    # Durability off: the data is thrown away after the run.
    mariadb_args=(--no-defaults --datadir="$data/data" --socket="$data/sock" --port="$port"
        --bind-address=127.0.0.1 --pid-file="$data/pid" "${user[@]}" --skip-name-resolve
        --skip-log-bin --innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0
        --innodb-buffer-pool-size=128M --max-connections=300)
    mariadbd "${mariadb_args[@]}" >"$servers_tmp/mariadb.log" 2>&1 &
    stoppers+=("kill \$(cat '$data/pid'); wait")
    wait_for_mariadb
    mariadb --no-defaults --socket="$data/sock" -uroot -e \
        "CREATE USER 'attesto'@'%' IDENTIFIED BY 'attesto'; GRANT ALL ON *.* TO 'attesto'@'%' WITH GRANT OPTION;" \
        || { cat "$servers_tmp/mariadb.log" >&2; exit 1; }
    export ATTESTO_TEST_MYSQL_URL="mysql://attesto:attesto@127.0.0.1:$port/mysql"
    log "ATTESTO_TEST_MYSQL_URL=$ATTESTO_TEST_MYSQL_URL"
}
