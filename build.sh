#!/usr/bin/env bash
# Build, test, benchmark and run Janus.Actors. See usage() below.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")"

readonly SOLUTION=Janus.Actors.sln
readonly RESULTS=TestResults
readonly POSTGRES_BIN=/usr/lib/postgresql/15/bin
readonly HOST_PROJECT=src/Janus.Actors.Host
readonly HOST_DLL=$HOST_PROJECT/bin/Release/net10.0/Janus.Actors.Host.dll
readonly DEMO_PROJECT=src/Janus.Actors.Demo
readonly DEMO_DLL=$DEMO_PROJECT/bin/Release/net10.0/Janus.Actors.Demo.dll

# `run` and `demo`: where the local Janus (config, pid, log) and the SQLite journal live, and Janus's loopback ports.
readonly DATA_DIR=$(readlink -m "${JANUS_ACTORS_DATA:-data}")
readonly JANUS_DIR=$DATA_DIR/janus
readonly JANUS_WS_PORT=${JANUS_WS_PORT:-8188}
readonly JANUS_HTTP_PORT=${JANUS_HTTP_PORT:-8088}
readonly JANUS_ADMIN_PORT=${JANUS_ADMIN_PORT:-7088}
# `cluster`: a private PostgreSQL 15 (5433 by default: Debian's own cluster takes 5432) and the nodes' ports.
readonly POSTGRES_DIR=$DATA_DIR/postgres
readonly POSTGRES_PORT=${POSTGRES_PORT:-5433}
readonly CLUSTER_DIR=$DATA_DIR/cluster
readonly CLUSTER_API_PORTS=${CLUSTER_API_PORTS:-5081,5082,5083}
readonly CLUSTER_PORTS=${CLUSTER_PORTS:-4051,4052,4053}

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

usage() {
    cat <<EOF
Usage: ./build.sh <command> [arguments]

  build          dotnet build $SOLUTION -c Release
  test [args]    install missing test dependencies (Janus, PostgreSQL 15 binaries, docker-compose), then
                 dotnet test $SOLUTION -c Release [args]; TRX and hang dumps in $RESULTS/
  bench [args]   dotnet run -c Release --project tests/Janus.Actors.Benchmarks -- [args]
  pack [args]    dotnet pack src/Janus.Actors -c Release -o artifacts/ [args]: the NuGet package and its .snupkg
                 (version from the latest v* git tag, e.g. git tag v1.0.0)
  run            start a local Janus (config from deploy/janus/, rendered into \$JANUS_ACTORS_DATA/janus/)
                 unless Janus__WebSocketUrl or Janus__RestUrl points at one, then the host (Release)
                 with its SQLite journal in \$JANUS_ACTORS_DATA; Ctrl-C stops both
  demo [args]    against the same local Janus: create sessions, SIGKILL the host, restart it and watch
                 every session come back (args: --sessions N, default 50)
  cluster        docker-compose.yml's topology as local processes on loopback: a private PostgreSQL 15 in
                 \$JANUS_ACTORS_DATA/postgres (unless Journal__ConnectionString names one), the local Janus of run,
                 and three host nodes (Release) in cluster mode, logs in \$JANUS_ACTORS_DATA/cluster/node-N.log;
                 Ctrl-C stops the nodes, then Janus and PostgreSQL

Environment for run, demo and cluster:
  JANUS_ACTORS_DATA   data folder (default: ./data)
  JANUS_WS_PORT, JANUS_HTTP_PORT, JANUS_ADMIN_PORT
                      loopback ports of the local Janus (default: 8188, 8088, 7088)
  CLUSTER_API_PORTS   cluster: the nodes' API ports, one per node (default: 5081,5082,5083)
  CLUSTER_PORTS       cluster: the nodes' Akka.Remote ports, as many (default: 4051,4052,4053)
  POSTGRES_PORT       cluster: loopback port of the private PostgreSQL (default: 5433)
  Janus__*, Journal__*, Api__*   host settings (see src/Janus.Actors.Host/README.md)
EOF
}

# apt-get install, refreshing the package index once per run. Needs root (CI runs as root).
apt_updated=false
apt_install() {
    if [[ $(id -u) -ne 0 ]]; then
        echo "build.sh: missing Debian package(s) $*; install them as root: apt-get install -y $*" >&2
        exit 1
    fi
    if [[ $apt_updated == false ]]; then
        apt-get update
        apt_updated=true
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"
}

# What the tests start themselves: a real Janus (the tests generate its config), PostgreSQL 15 (initdb/pg_ctl),
# and sipp (the SIP peer of the SIP call example); and docker-compose, to validate docker-compose.yml.
ensure_test_dependencies() {
    command -v janus >/dev/null || apt_install janus
    command -v sipp >/dev/null || apt_install sip-tester
    # docker-compose.yml is validated with `docker-compose config`, which needs no Docker daemon.
    command -v docker-compose >/dev/null || apt_install docker-compose
    # The status page is checked in headless Chromium.
    command -v chromium >/dev/null || apt_install chromium
    ensure_postgres_binaries
}

ensure_postgres_binaries() {
    local tool
    for tool in initdb pg_ctl postgres psql createdb; do
        if [[ ! -x $POSTGRES_BIN/$tool ]]; then
            apt_install postgresql-15
            break
        fi
    done
}

# One closing line for CI logs ('N passed, N failed, N skipped'), summed over every TRX file of this run.
print_test_summary() {
    local trx=("$RESULTS"/*.trx)
    if [[ ! -e ${trx[0]} ]]; then
        echo "Tests: no results (the build or the test host failed before any test ran)"
        return
    fi
    grep -ho '<Counters [^>]*>' "${trx[@]}" | awk '
        { for (i = 2; i <= NF; i++) { split($i, kv, "="); gsub(/[^0-9]/, "", kv[2]); sum[kv[1]] += kv[2] } }
        END { printf "Tests: %d passed, %d failed, %d skipped\n",
                     sum["passed"], sum["failed"] + sum["error"] + sum["timeout"] + sum["aborted"], sum["notExecuted"] }'
}

run_tests() {
    ensure_test_dependencies
    dotnet restore "$SOLUTION"
    rm -rf "$RESULTS"
    local status=0
    dotnet test "$SOLUTION" -c Release --no-restore \
        --results-directory "$RESULTS" \
        --logger "console;verbosity=normal" \
        --logger "trx" \
        --blame-hang-timeout 10m \
        "$@" || status=$?
    print_test_summary
    return "$status"
}

# ---- run / demo: a local Janus next to the host ---------------------------------------------------------------------

log() { echo "build.sh: $*" >&2; }

# True when something accepts TCP connections on 127.0.0.1:$1.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Status code of GET http://127.0.0.1:$1$2 (bash only: curl is not on every fresh machine), or 000.
http_status() {
    local port=$1 path=$2 line
    {
        exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
        printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n%s\r\n' "$path" \
            "${Api__Token:+Authorization: Bearer $Api__Token$'\r\n'}" >&3
        IFS=' ' read -r -t 10 _ line _ <&3 || true
        exec 3<&-
    } 2>/dev/null
    echo "${line:-000}"
}

# The Janus started by this data folder, if it still runs: its pid, else nothing (and a stale pid file is removed).
janus_pid() {
    local pid
    [[ -r $JANUS_DIR/janus.pid ]] || return 0
    pid=$(<"$JANUS_DIR/janus.pid")
    if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && [[ $(cat "/proc/$pid/comm" 2>/dev/null) == janus ]]; then
        echo "$pid"
    else
        rm -f "$JANUS_DIR/janus.pid"
    fi
}

# deploy/janus/*.jcfg with this machine's plugin folders, the chosen ports and this folder's own admin secret.
render_janus_config() {
    local lib secret file
    for lib in /usr/lib/*/janus /usr/lib/janus; do
        [[ -d $lib/plugins ]] && break
    done
    [[ -d $lib/plugins ]] || { log "Janus's plugins folder is missing (looked in /usr/lib/*/janus): reinstall the 'janus' package"; exit 1; }
    mkdir -p "$JANUS_DIR"
    [[ -s $JANUS_DIR/admin-secret ]] || od -An -N16 -tx1 /dev/urandom | tr -d ' \n' >"$JANUS_DIR/admin-secret"
    secret=$(<"$JANUS_DIR/admin-secret")
    for file in deploy/janus/*.jcfg; do
        sed -e "s|/usr/lib/x86_64-linux-gnu/janus|$lib|" \
            -e "s|^\(\s*admin_secret = \)\"[^\"]*\"|\1\"$secret\"|" \
            -e "s|^\(\s*ws_port = \)[0-9]*|\1$JANUS_WS_PORT|" \
            -e "s|^\(\s*port = \)[0-9]*|\1$JANUS_HTTP_PORT|" \
            -e "s|^\(\s*admin_port = \)[0-9]*|\1$JANUS_ADMIN_PORT|" \
            "$file" >"$JANUS_DIR/$(basename "$file")"
    done
}

# A server ($1, pid $2) of this data folder is already up. While the build.sh run that started it (pid in $3) still
# runs, this run shares it and leaves it to that run (returns 1); when that run is gone (SIGKILLed, closed terminal),
# this run adopts it: it becomes the owner and stops it on exit (returns 0).
adopt_unless_shared() {
    local what=$1 pid=$2 owner_file=$3 owner
    owner=$(cat "$owner_file" 2>/dev/null || true)
    if [[ $owner =~ ^[0-9]+$ ]] && kill -0 "$owner" 2>/dev/null && grep -qa build.sh "/proc/$owner/cmdline" 2>/dev/null; then
        log "$what already runs for $DATA_DIR (pid $pid, started by build.sh pid $owner): sharing it"
        return 1
    fi
    log "$what already runs for $DATA_DIR (pid $pid) and the run that started it is gone: using it, and stopping it on exit"
    echo $$ >"$owner_file"
    return 0
}

# Starts Janus unless this data folder's Janus already runs. This script stops Janus on exit (janus_owned) when it
# started it, or when the run that started it is gone (SIGKILLed, closed terminal): then it adopts it.
janus_owned=false
start_local_janus() {
    command -v janus >/dev/null || apt_install janus
    local pid port
    pid=$(janus_pid)
    if [[ -n $pid ]]; then
        if adopt_unless_shared Janus "$pid" "$JANUS_DIR/owner.pid"; then janus_owned=true; fi
        return
    fi
    for port in "$JANUS_WS_PORT" "$JANUS_HTTP_PORT" "$JANUS_ADMIN_PORT"; do
        if port_open "$port"; then
            log "port $port on 127.0.0.1 is in use (another Janus?): stop it, or choose other ports with JANUS_WS_PORT, JANUS_HTTP_PORT, JANUS_ADMIN_PORT"
            exit 1
        fi
    done
    render_janus_config
    log "starting Janus on 127.0.0.1 (WebSocket $JANUS_WS_PORT, REST $JANUS_HTTP_PORT, admin $JANUS_ADMIN_PORT), log in $JANUS_DIR/janus.log"
    # Its own session: a Ctrl-C reaches the host first; Janus is stopped after it, by this script.
    (ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec setsid janus -F "$JANUS_DIR" --disable-colors </dev/null >>"$JANUS_DIR/janus.log" 2>&1) &
    local started=$!
    echo "$started" >"$JANUS_DIR/janus.pid"
    echo $$ >"$JANUS_DIR/owner.pid"
    janus_owned=true
    local deadline=$((SECONDS + 30))
    until port_open "$JANUS_WS_PORT" && port_open "$JANUS_HTTP_PORT"; do
        # By pid, not janus_pid: until the subshell has exec'd Janus its name is still bash.
        if ! kill -0 "$started" 2>/dev/null; then
            log "Janus exited while starting; the end of $JANUS_DIR/janus.log:"
            tail -n 20 "$JANUS_DIR/janus.log" >&2
            janus_owned=false
            exit 1
        fi
        if ((SECONDS > deadline)); then
            log "Janus did not open its ports within 30 s; see $JANUS_DIR/janus.log"
            stop_local_janus
            exit 1
        fi
        sleep 0.1
    done
}

stop_local_janus() {
    [[ $janus_owned == true ]] || return 0
    janus_owned=false
    local pid
    pid=$(janus_pid)
    [[ -n $pid ]] || return 0
    log "stopping Janus (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 10))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$JANUS_DIR/janus.pid" "$JANUS_DIR/owner.pid"
}

# Janus URLs and the journal for the host: the local Janus unless the environment names one.
prepare_backend() {
    if [[ -n ${Janus__WebSocketUrl:-} || -n ${Janus__RestUrl:-} ]]; then
        log "using the Janus named by Janus__WebSocketUrl/Janus__RestUrl; no local Janus is started"
    else
        start_local_janus
        export Janus__WebSocketUrl="ws://127.0.0.1:$JANUS_WS_PORT/"
        export Janus__RestUrl="http://127.0.0.1:$JANUS_HTTP_PORT/janus"
    fi
    mkdir -p "$DATA_DIR"
    export Journal__ConnectionString=${Journal__ConnectionString:-"Data Source=$DATA_DIR/janus-actors.db"}
}

# The first port of Api__Urls (default 5080).
api_port() {
    local url=${Api__Urls:-http://127.0.0.1:5080}
    url=${url%%;*}
    url=${url##*:}
    echo "${url%%/*}"
}

run_local() {
    # One host per journal: two would claim the same sessions from each other.
    local running
    running=$(cat "$DATA_DIR/host.pid" 2>/dev/null || true)
    if [[ $running =~ ^[0-9]+$ ]] && kill -0 "$running" 2>/dev/null && grep -qa Janus.Actors.Host "/proc/$running/cmdline" 2>/dev/null; then
        log "a host already runs on $DATA_DIR (pid $running): stop it first, or use another JANUS_ACTORS_DATA"
        exit 1
    fi
    trap 'stop_local_janus; rm -f "$DATA_DIR/host.pid"' EXIT
    prepare_backend
    dotnet build "$HOST_PROJECT" -c Release --nologo -v quiet "-clp:ErrorsOnly;NoSummary"
    local port host_pid announcer status=0
    port=$(api_port)
    dotnet "$HOST_DLL" </dev/null &
    host_pid=$!
    echo "$host_pid" >"$DATA_DIR/host.pid"
    # Ctrl-C or SIGTERM: stop the host gracefully (it never destroys Janus sessions), then Janus.
    trap 'kill -TERM "$host_pid" 2>/dev/null || true' INT TERM
    (
        local deadline=$((SECONDS + 120))
        until [[ $(http_status "$port" /readyz) == 200 ]]; do
            ((SECONDS < deadline)) || exit 0
            sleep 0.2
        done
        log "ready: status page http://127.0.0.1:$port/ · API http://127.0.0.1:$port/v1/sessions · metrics http://127.0.0.1:$port/metrics · Ctrl-C stops"
    ) &
    announcer=$!
    while true; do
        wait "$host_pid" && status=0 || status=$?
        kill -0 "$host_pid" 2>/dev/null || break
    done
    kill "$announcer" 2>/dev/null || true
    wait "$announcer" 2>/dev/null || true
    stop_local_janus
    return "$status"
}

run_demo() {
    trap 'stop_local_janus' EXIT
    prepare_backend
    dotnet build "$DEMO_PROJECT" -c Release --nologo -v quiet "-clp:ErrorsOnly;NoSummary"
    dotnet build "$HOST_PROJECT" -c Release --nologo -v quiet "-clp:ErrorsOnly;NoSummary"
    local status=0
    dotnet "$DEMO_DLL" --host-dll "$HOST_DLL" --data "$DATA_DIR/demo" "$@" || status=$?
    stop_local_janus
    return "$status"
}

# ---- cluster: PostgreSQL, Janus and three host nodes on loopback --------------------------------------------------

# Runs a PostgreSQL tool, as the `postgres` OS user when this script runs as root (PostgreSQL refuses root).
pg_tool() {
    local tool=$POSTGRES_BIN/$1
    shift
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u postgres -- "$tool" "$@"
    else
        "$tool" "$@"
    fi
}

# The postmaster of this data folder's PostgreSQL, if it runs: its pid, else nothing.
postgres_pid() {
    local pid
    pid=$(head -n 1 "$POSTGRES_DIR/data/postmaster.pid" 2>/dev/null || true)
    if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && [[ $(cat "/proc/$pid/comm" 2>/dev/null) == postgres ]]; then
        echo "$pid"
    fi
}

# A new cluster in $POSTGRES_DIR/data: loopback only, password (SCRAM) over TCP, its socket in a folder only its
# owner can open (so the socket's trust authentication reaches nobody else), a random superuser password kept in
# $POSTGRES_DIR/password for later runs.
init_local_postgres() {
    mkdir -p "$POSTGRES_DIR/socket"
    # Created here so that it belongs to the server's user with the rest (the server appends to it).
    touch "$POSTGRES_DIR/postgres.log"
    [[ -s $POSTGRES_DIR/password ]] || (umask 077 && od -An -N16 -tx1 /dev/urandom | tr -d ' \n' >"$POSTGRES_DIR/password")
    if [[ $(id -u) -eq 0 ]]; then
        chown -R postgres:postgres "$POSTGRES_DIR"
        if ! runuser -u postgres -- test -w "$POSTGRES_DIR"; then
            log "the postgres user cannot reach $POSTGRES_DIR (a parent folder is closed to it): choose a JANUS_ACTORS_DATA it can reach, e.g. /var/tmp/janus-actors"
            exit 1
        fi
    fi
    chmod 700 "$POSTGRES_DIR/socket"
    log "initialising PostgreSQL in $POSTGRES_DIR/data"
    pg_tool initdb -D "$POSTGRES_DIR/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
        --pwfile="$POSTGRES_DIR/password" --encoding=UTF8 --locale=C >>"$POSTGRES_DIR/postgres.log" 2>&1 || {
        log "initdb failed; the end of $POSTGRES_DIR/postgres.log:"
        tail -n 20 "$POSTGRES_DIR/postgres.log" >&2
        exit 1
    }
    cat >>"$POSTGRES_DIR/data/postgresql.conf" <<EOF

# build.sh cluster: private and loopback only.
listen_addresses = '127.0.0.1'
unix_socket_directories = '$POSTGRES_DIR/socket'
unix_socket_permissions = 0700
EOF
}

# Starts this data folder's PostgreSQL (initialising it the first time) unless it runs already, with the same
# sharing rules as Janus; then makes sure the journal's database exists and points the nodes at it.
postgres_owned=false
start_local_postgres() {
    ensure_postgres_binaries
    local pid
    pid=$(postgres_pid)
    if [[ -n $pid ]]; then
        if adopt_unless_shared PostgreSQL "$pid" "$POSTGRES_DIR/owner.pid"; then postgres_owned=true; fi
    else
        if port_open "$POSTGRES_PORT"; then
            log "port $POSTGRES_PORT on 127.0.0.1 is in use (another PostgreSQL?): stop it, or choose another port with POSTGRES_PORT"
            exit 1
        fi
        [[ -s $POSTGRES_DIR/data/PG_VERSION ]] || init_local_postgres
        log "starting PostgreSQL 15 on 127.0.0.1:$POSTGRES_PORT, log in $POSTGRES_DIR/postgres.log"
        echo $$ >"$POSTGRES_DIR/owner.pid"
        postgres_owned=true
        # pg_ctl detaches the server into its own session: a Ctrl-C reaches the nodes first, PostgreSQL is stopped last.
        if ! pg_tool pg_ctl -D "$POSTGRES_DIR/data" -l "$POSTGRES_DIR/postgres.log" -o "-p $POSTGRES_PORT" -w -t 60 start >/dev/null; then
            log "PostgreSQL did not start; the end of $POSTGRES_DIR/postgres.log:"
            tail -n 20 "$POSTGRES_DIR/postgres.log" >&2
            exit 1
        fi
    fi
    # The port it really listens on (a reused server keeps the port it was started with): line 4 of postmaster.pid.
    local port
    port=$(sed -n 4p "$POSTGRES_DIR/data/postmaster.pid")
    if [[ -z $(pg_tool psql -h "$POSTGRES_DIR/socket" -p "$port" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'janus_actors'") ]]; then
        pg_tool createdb -h "$POSTGRES_DIR/socket" -p "$port" -U postgres janus_actors
    fi
    export Journal__ConnectionString="Host=127.0.0.1;Port=$port;Database=janus_actors;Username=postgres;Password=$(<"$POSTGRES_DIR/password")"
}

stop_local_postgres() {
    [[ $postgres_owned == true ]] || return 0
    postgres_owned=false
    [[ -n $(postgres_pid) ]] || return 0
    log "stopping PostgreSQL"
    pg_tool pg_ctl -D "$POSTGRES_DIR/data" -m fast -w -t 30 stop >/dev/null || pg_tool pg_ctl -D "$POSTGRES_DIR/data" -m immediate -w stop >/dev/null || true
    rm -f "$POSTGRES_DIR/owner.pid"
}

# The host of node $1 of this data folder, if it runs: its pid, else nothing.
cluster_node_pid() {
    local pid
    pid=$(cat "$CLUSTER_DIR/node-$1.pid" 2>/dev/null || true)
    if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && grep -qa Janus.Actors.Host "/proc/$pid/cmdline" 2>/dev/null; then
        echo "$pid"
    fi
}

# node_pids[pid] = node number, for the nodes still running.
declare -A node_pids=()
cluster_stopping=false

# First Ctrl-C (or SIGTERM): every node stops gracefully (leaves the cluster; never destroys a Janus session).
# A second one kills the nodes that are still stopping.
stop_cluster_nodes() {
    local signal=TERM pid
    if [[ $cluster_stopping == true ]]; then
        signal=KILL
        log "stopping again: killing the nodes that are still running"
    else
        log "stopping the nodes (Ctrl-C again kills them)"
    fi
    cluster_stopping=true
    for pid in "${!node_pids[@]}"; do kill -"$signal" "$pid" 2>/dev/null || true; done
}

# Logs the nodes' URLs once every node answers /readyz (in cluster mode: it is an Up member).
announce_cluster_ready() {
    local -a api_ports=("$@")
    local deadline=$((SECONDS + 180)) port n
    for port in "${api_ports[@]}"; do
        until [[ $(http_status "$port" /readyz) == 200 ]]; do
            ((SECONDS < deadline)) || exit 0
            sleep 0.2
        done
    done
    log "ready: ${#api_ports[@]} nodes in one cluster"
    for n in "${!api_ports[@]}"; do
        port=${api_ports[n]}
        log "  node $((n + 1)): status page http://127.0.0.1:$port/ · API http://127.0.0.1:$port/v1/sessions · members http://127.0.0.1:$port/v1/cluster · log $CLUSTER_DIR/node-$((n + 1)).log"
    done
    log "Ctrl-C stops the nodes, then Janus and PostgreSQL"
}

run_cluster() {
    local -a api_ports remote_ports
    IFS=, read -r -a api_ports <<<"$CLUSTER_API_PORTS"
    IFS=, read -r -a remote_ports <<<"$CLUSTER_PORTS"
    local port n pid
    if ((${#api_ports[@]} == 0 || ${#api_ports[@]} != ${#remote_ports[@]})); then
        log "CLUSTER_API_PORTS and CLUSTER_PORTS must name as many ports each (one per node), e.g. 5081,5082,5083 and 4051,4052,4053"
        exit 2
    fi
    for port in "${api_ports[@]}" "${remote_ports[@]}"; do
        [[ $port =~ ^[0-9]+$ ]] || { log "'$port' in CLUSTER_API_PORTS or CLUSTER_PORTS is not a port number"; exit 2; }
    done
    if [[ -n ${Journal__Provider:-} && ${Journal__Provider,,} != postgresql ]]; then
        log "cluster mode journals to PostgreSQL: unset Journal__Provider (or set it to postgresql)"
        exit 2
    fi
    # One cluster per data folder, as one host per journal for `run`.
    for n in "${!api_ports[@]}"; do
        pid=$(cluster_node_pid $((n + 1)))
        if [[ -n $pid ]]; then
            log "a cluster already runs on $DATA_DIR (node $((n + 1)), pid $pid): stop it first, or use another JANUS_ACTORS_DATA"
            exit 1
        fi
    done
    for port in "${api_ports[@]}" "${remote_ports[@]}"; do
        if port_open "$port"; then
            log "port $port on 127.0.0.1 is in use: stop what listens there, or choose other ports with CLUSTER_API_PORTS, CLUSTER_PORTS"
            exit 1
        fi
    done

    mkdir -p "$CLUSTER_DIR"
    trap 'stop_local_janus; stop_local_postgres; rm -f "$CLUSTER_DIR"/node-*.pid' EXIT
    if [[ -n ${Journal__ConnectionString:-} ]]; then
        log "using the PostgreSQL named by Journal__ConnectionString; no local PostgreSQL is started"
    else
        start_local_postgres
    fi
    export Journal__Provider=postgresql
    prepare_backend
    dotnet build "$HOST_PROJECT" -c Release --nologo -v quiet "-clp:ErrorsOnly;NoSummary"

    # Every node gets the same seed list: all the nodes, by their loopback address.
    local seeds=""
    for port in "${remote_ports[@]}"; do seeds+="${seeds:+,}127.0.0.1:$port"; done
    trap 'stop_cluster_nodes' INT TERM
    for n in "${!api_ports[@]}"; do
        (
            export Cluster__Enabled=true Cluster__Hostname=127.0.0.1 Cluster__Port="${remote_ports[n]}" Cluster__Seeds="$seeds"
            export Api__Urls="http://127.0.0.1:${api_ports[n]}"
            exec dotnet "$HOST_DLL" </dev/null >>"$CLUSTER_DIR/node-$((n + 1)).log" 2>&1
        ) &
        pid=$!
        node_pids[$pid]=$((n + 1))
        echo "$pid" >"$CLUSTER_DIR/node-$((n + 1)).pid"
        log "node $((n + 1)) (pid $pid): API 127.0.0.1:${api_ports[n]}, cluster 127.0.0.1:${remote_ports[n]}, log $CLUSTER_DIR/node-$((n + 1)).log"
    done
    announce_cluster_ready "${api_ports[@]}" &
    local announcer=$!

    # Until every node has exited. A node that dies on its own (kill -9 one to watch its sessions move) is reported
    # and the others go on. Exit status: the worst of the nodes' on Ctrl-C, else that of the last node to die.
    local finished status worst=0 last_death=0
    while ((${#node_pids[@]} > 0)); do
        finished=""
        # (2>/dev/null: bash's own "Killed ( export ... )" job notice; the line below says it better.)
        wait -n -p finished "${!node_pids[@]}" 2>/dev/null && status=0 || status=$?
        [[ -n ${finished:-} ]] || continue # a trapped signal interrupted the wait (wait unsets finished then)
        n=${node_pids[$finished]}
        unset "node_pids[$finished]"
        rm -f "$CLUSTER_DIR/node-$n.pid"
        if [[ $cluster_stopping == true ]]; then
            ((status == 0)) || log "node $n exited with $status while stopping; see $CLUSTER_DIR/node-$n.log"
            ((status <= worst)) || worst=$status
        else
            log "node $n (pid $finished) exited with $status; the end of $CLUSTER_DIR/node-$n.log:"
            tail -n 10 "$CLUSTER_DIR/node-$n.log" >&2
            last_death=$status
        fi
    done
    kill "$announcer" 2>/dev/null || true
    wait "$announcer" 2>/dev/null || true
    stop_local_janus
    stop_local_postgres
    [[ $cluster_stopping == true ]] || worst=$last_death
    return "$worst"
}

command=${1:-}
shift || true
case $command in
    build)
        dotnet build "$SOLUTION" -c Release "$@"
        ;;
    test)
        run_tests "$@"
        ;;
    bench)
        command -v janus >/dev/null || apt_install janus
        dotnet run -c Release --project tests/Janus.Actors.Benchmarks -- "$@"
        ;;
    pack)
        dotnet pack src/Janus.Actors -c Release -o artifacts "$@"
        ;;
    run)
        run_local
        ;;
    demo)
        run_demo "$@"
        ;;
    cluster)
        run_cluster
        ;;
    -h | --help | help)
        usage
        ;;
    *)
        usage >&2
        exit 2
        ;;
esac
