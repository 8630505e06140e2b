#!/usr/bin/env bash
# Past one machine: attesto's MySQL dialect on a three-node MariaDB Galera
# cluster, all on this machine, on loopback ports under a temporary
# directory. Installs Debian's mariadb-server, galera-4 and rsync (the
# state transfer) when they are missing, starts node 1 as a new cluster and
# joins nodes 2 and 3 to it, runs `tests/galera` with the three nodes' URLs
# in ATTESTO_GALERA_URLS, and stops the cluster whatever happens. CI runs
# it after ./scripts/test.sh. Arguments are passed to `cargo test`.
set -euo pipefail

cd "$(dirname "$0")/.."
# shellcheck source=scripts/servers.sh
source scripts/servers.sh

started=$(date +%s)
provider=/usr/lib/galera/libgalera_smm.so
missing=()
command -v mariadbd >/dev/null 2>&1 || missing+=(mariadb-server)
[ -e "$provider" ] || missing+=(galera-4)
command -v rsync >/dev/null 2>&1 || missing+=(rsync)
if [ "${#missing[@]}" -gt 0 ]; then
    install_packages "${missing[@]}"
fi

user=()
if [ "$(id -u)" -eq 0 ]; then
    id mysql >/dev/null 2>&1 || useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin mysql
    user=(--user=mysql)
fi

# Four ports per node: SQL, group communication, state transfer, and
# incremental state transfer.
declare -a sql gcomm sst ist
for n in 1 2 3; do
    sql[n]=$(free_port); gcomm[n]=$(free_port); sst[n]=$(free_port); ist[n]=$(free_port)
done
members="127.0.0.1:${gcomm[1]},127.0.0.1:${gcomm[2]},127.0.0.1:${gcomm[3]}"

start_node() {
    local n=$1 bootstrap=$2 dir="$servers_tmp/galera$1"
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown mysql "$dir"
    cat >"$dir/my.cnf" <<CNF
[mysqld]
datadir=$dir/data
socket=$dir/sock
pid-file=$dir/pid
port=${sql[n]}
bind-address=127.0.0.1
skip-name-resolve
binlog_format=ROW
default_storage_engine=InnoDB
innodb_autoinc_lock_mode=2
innodb_buffer_pool_size=64M
innodb_flush_log_at_trx_commit=0
wsrep_on=ON
wsrep_provider=$provider
wsrep_cluster_name=attesto
wsrep_cluster_address=gcomm://$members
wsrep_node_name=node$n
wsrep_node_address=127.0.0.1:${gcomm[n]}
wsrep_provider_options="gmcast.listen_addr=tcp://127.0.0.1:${gcomm[n]};ist.recv_addr=127.0.0.1:${ist[n]};gcache.size=32M"
wsrep_sst_method=rsync
wsrep_sst_receive_address=127.0.0.1:${sst[n]}
CNF
    mariadb-install-db --defaults-file="$dir/my.cnf" "${user[@]}" \
        --auth-root-authentication-method=normal --skip-test-db >"$dir/install.log" 2>&1 \
        || { cat "$dir/install.log" >&2; exit 1; }
    log "starting Galera node $n: SQL on 127.0.0.1:${sql[n]}, group communication on ${gcomm[n]}"
    mariadbd --defaults-file="$dir/my.cnf" "${user[@]}" $bootstrap >"$dir/log" 2>&1 &
    # Stopped last to first; each waits for its own node only.
    stoppers=("kill $!; wait $!" "${stoppers[@]}")
    # Synced: joined, and holding the cluster's state.
    local i state=""
    for i in $(seq 1 600); do
        state=$(mariadb --no-defaults --socket="$dir/sock" -uroot -N -e \
            "SHOW STATUS LIKE 'wsrep_local_state_comment'" 2>/dev/null | awk '{print $2}') || true
        [ "$state" = "Synced" ] && break
        sleep 0.1
    done
    if [ "$state" != "Synced" ]; then
        echo "error: Galera node $n did not sync within 60 s; its log:" >&2
        tail -n 40 "$dir/log" >&2
        exit 1
    fi
}

start_node 1 --wsrep-new-cluster
# The test user, created on node 1, reaches the others with their state.
mariadb --no-defaults --socket="$servers_tmp/galera1/sock" -uroot -e \
    "CREATE USER 'attesto'@'%' IDENTIFIED BY 'attesto'; GRANT ALL ON *.* TO 'attesto'@'%' WITH GRANT OPTION;"
start_node 2 ""
start_node 3 ""
size=$(mariadb --no-defaults --socket="$servers_tmp/galera3/sock" -uroot -N -e \
    "SHOW STATUS LIKE 'wsrep_cluster_size'" | awk '{print $2}')
log "cluster of $size nodes, synced after $(( $(date +%s) - started )) s"
[ "$size" = 3 ] || { echo "error: cluster size $size, expected 3" >&2; exit 1; }

urls=""
for n in 1 2 3; do
    urls="$urls${urls:+ }mysql://attesto:attesto@127.0.0.1:${sql[n]}/mysql"
done
export ATTESTO_GALERA_URLS="$urls"
log "ATTESTO_GALERA_URLS=$ATTESTO_GALERA_URLS"

# Rounds of the cross-node race: enough that a double take at the rate
# once measured (about 2 in 1,000 rounds) would show (about 20 s).
export ATTESTO_GALERA_ROUNDS="${ATTESTO_GALERA_ROUNDS:-2000}"
log "ATTESTO_GALERA_ROUNDS=$ATTESTO_GALERA_ROUNDS"
cargo test -p attesto-galera-tests "$@"
echo "galera: passed in $(( $(date +%s) - started )) s"
