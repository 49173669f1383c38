#!/usr/bin/env bash
# Build, test, benchmark and run Janus.Actors. See usage() below.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")"

readonly SOLUTION=Janus.Actors.sln
readonly RESULTS=TestResults
readonly POSTGRES_BIN=/usr/lib/postgresql/15/bin
readonly HOST_PROJECT=src/Janus.Actors.Host
readonly LAUNCHER_PROJECT=src/Janus.Actors.Launcher
readonly LAUNCHER_DLL=$LAUNCHER_PROJECT/bin/Release/net10.0/Janus.Actors.Launcher.dll

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

usage() {
    cat <<EOF
Usage: ./build.sh <command> [arguments]

  build          dotnet build $SOLUTION -c Release
  test [args]    install missing test dependencies (Janus, PostgreSQL 15 binaries, docker-compose, and Janus $JANUS_LATEST
                 built from ../shared/janus/ once per machine), then dotnet test $SOLUTION -c Release; with no args
                 also the version subset against Janus $JANUS_LATEST and short chaos soaks (one host against
                 Janus 1.1.2, a cluster against $JANUS_LATEST);
                 with args, dotnet test with them alone. TRX, chaos reports and hang dumps in $RESULTS/
  bench [args]   dotnet run -c Release --project tests/Janus.Actors.Benchmarks -- [args]
  chaos [args]   the seeded fault soak (tests/Janus.Actors.Chaos): two Janus servers, the host (and with --standby a
                 hot standby), a workload, overlapping faults, Janus as the witness; exit 1 on any violation
                 (args: --minutes M, --seed S, --standby, --janus PATH, --report DIR; --help lists them)
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
  JANUS_WS_PORT, JANUS_HTTP_PORT, JANUS_ADMIN_PORT, JANUS_ADMIN_WS_PORT
                      loopback ports of the local Janus (default: 8188, 8088, 7088, 7188)
  JANUS_SERVERS       local Janus servers (default: 1); server N (janus-N, in \$JANUS_ACTORS_DATA/janus-N/) listens
                      on the ports above plus N, and the host places sessions over all of them
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
    # Clients generated from the OpenAPI document are built with npm packages and run with Node.js.
    command -v npm >/dev/null || apt_install nodejs npm
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

# The newest Janus release, built from its source tarball (../shared/janus/, GPL-3.0, from the project's own repository)
# once per machine into a cache outside the clone: ./build.sh test runs the crash, REST, servers, plugin and chaos subsets
# against it as well as against Debian's 1.1.2. JANUS_LATEST_SOURCE names another tarball, JANUS_ACTORS_CACHE another cache.
readonly JANUS_LATEST=1.4.1
janus_latest_prefix() {
    echo "${JANUS_ACTORS_CACHE:-/var/cache/janus-actors}/janus-$JANUS_LATEST"
}

# The configure flags: Debian's 1.1.2 has data channels (the TextRoom plugin needs them), and so does this build.
readonly JANUS_LATEST_CONFIGURE="--disable-docs --disable-rabbitmq --disable-mqtt --disable-nanomsg --disable-unix-sockets --disable-plugin-lua --disable-plugin-duktape"

ensure_janus_latest() {
    local prefix source build
    prefix=$(janus_latest_prefix)
    # Built with these flags already (a changed recipe builds again; an interrupted build left no stamp).
    [[ $(cat "$prefix/.built" 2>/dev/null) == "$JANUS_LATEST_CONFIGURE" ]] && return
    source=$(readlink -f "${JANUS_LATEST_SOURCE:-../shared/janus/janus-gateway-$JANUS_LATEST.tar.gz}")
    if [[ ! -f $source ]]; then
        echo "build.sh: the Janus $JANUS_LATEST source tarball is missing ($source): set JANUS_LATEST_SOURCE" >&2
        exit 1
    fi
    apt_install build-essential autoconf automake libtool pkg-config gengetopt libmicrohttpd-dev libjansson-dev \
        libssl-dev libsofia-sip-ua-dev libglib2.0-dev libopus-dev libogg-dev libcurl4-openssl-dev libconfig-dev \
        libnice-dev libsrtp2-dev libwebsockets-dev libusrsctp-dev
    build=$(mktemp -d)
    echo "build.sh: building Janus $JANUS_LATEST into $prefix (once per machine, ~2 min)"
    tar -xzf "$source" -C "$build" --strip-components=1
    (
        cd "$build"
        sh autogen.sh >/dev/null
        # shellcheck disable=SC2086 # the flags are words
        ./configure --prefix="$prefix" $JANUS_LATEST_CONFIGURE >"$build/configure.log" \
            || { tail -30 "$build/configure.log" >&2; exit 1; }
        make -j"$(nproc)" >"$build/make.log" 2>&1 || { tail -40 "$build/make.log" >&2; exit 1; }
        rm -rf "$prefix"
        make install >/dev/null
    )
    echo "$JANUS_LATEST_CONFIGURE" >"$prefix/.built"
    rm -rf "$build"
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
    print_failed_tests "${trx[@]}"
}

# The failed tests by name, each with the first lines of its message and its last ones (where a demo or a log tail says
# what went wrong), last in the log: a CI log is often read by its end.
print_failed_tests() {
    awk '
        function flush(  i, from) {
            for (i = 1; i <= n && i <= 3; i++) print "    " text[i]
            from = n - 14 > 3 ? n - 14 : 4
            if (from > 4) print "    [... " from - 4 " lines ...]"
            for (i = from; i <= n; i++) print "    " text[i]
            n = 0
        }
        /<UnitTestResult / && /outcome="(Failed|Error|Timeout|Aborted)"/ {
            match($0, /testName="[^"]*"/); name = substr($0, RSTART + 10, RLENGTH - 11)
            print "Failed: " name; failed = 1; n = 0; next
        }
        /<\/UnitTestResult>/ { if (inmessage) flush(); failed = 0; inmessage = 0 }
        failed && /<Message>/ { inmessage = 1; sub(/.*<Message>/, "") }
        failed && inmessage {
            done = sub(/<\/Message>.*/, ""); text[++n] = $0
            if (done) { inmessage = 0; flush() }
        }' "$@" | sed 's/&quot;/"/g; s/&lt;/</g; s/&gt;/>/g; s/&amp;/\&/g; s/&#xD;//g; s/&#xA;//g'
}

# The specs that run again against the newest Janus release: crash and freeze, REST, several servers, plugins and resync.
readonly VERSION_SUBSET="FullyQualifiedName~HostCrashSpecs|FullyQualifiedName~ReclaimSpecs|FullyQualifiedName~FrozenHostSpecs\
|FullyQualifiedName~RestGapSpecs|FullyQualifiedName~RestAtScaleSpecs|FullyQualifiedName~SeveralServersSpecs\
|FullyQualifiedName~RestartNewsSpecs|FullyQualifiedName~PlacementSpecs|FullyQualifiedName~TypedPluginSpecs\
|FullyQualifiedName~HandleResyncSpecs"

# The short seeded chaos soaks CI runs, fixed seed, a violation fails the run: one host on SQLite against Debian's Janus,
# three cluster nodes on PostgreSQL against the newest.
readonly CHAOS_SEED=1 CHAOS_MINUTES=1.5

# With no arguments: every spec against Debian's Janus 1.1.2, then the version subset against the newest release, then
# the chaos soak against each. With arguments: dotnet test with them, nothing else.
run_tests() {
    ensure_test_dependencies
    [[ $# -gt 0 ]] || ensure_janus_latest
    dotnet restore "$SOLUTION"
    rm -rf "$RESULTS"
    local status=0 latest
    dotnet test "$SOLUTION" -c Release --no-restore \
        --results-directory "$RESULTS" \
        --logger "console;verbosity=normal" \
        --logger "trx" \
        --blame-hang-timeout 10m \
        "$@" || status=$?
    if [[ $# -eq 0 ]]; then
        latest=$(janus_latest_prefix)
        echo "==== the version subset against Janus $JANUS_LATEST ($latest)"
        JANUS_ACTORS_JANUS_PREFIX=$latest dotnet test tests/Janus.Actors.Tests -c Release --no-build \
            --results-directory "$RESULTS" \
            --logger "console;verbosity=normal" \
            --logger "trx;LogFileName=janus-$JANUS_LATEST.trx" \
            --blame-hang-timeout 10m \
            --filter "$VERSION_SUBSET" || status=$?
        run_chaos "Janus 1.1.2" "$RESULTS/chaos-janus-1.1.2" || status=$?
        run_chaos "Janus $JANUS_LATEST, cluster" "$RESULTS/chaos-janus-$JANUS_LATEST-cluster" --cluster --janus-prefix "$latest" || status=$?
    fi
    print_test_summary
    [[ $# -gt 0 ]] || grep -h "^Chaos: " "$RESULTS"/chaos-*/outcome.txt 2>/dev/null || true
    return "$status"
}

# One short chaos soak (already built); its outcome line is printed again at the end of the log.
run_chaos() {
    local name=$1 report=$2 status=0
    shift 2
    echo "==== chaos soak against $name: seed $CHAOS_SEED, $CHAOS_MINUTES min"
    mkdir -p "$report"
    dotnet "tests/Janus.Actors.Chaos/bin/Release/net10.0/Janus.Actors.Chaos.dll" --seed "$CHAOS_SEED" --minutes "$CHAOS_MINUTES" \
        --report "$report" "$@" || status=$?
    echo "Chaos: $name, seed $CHAOS_SEED: $(grep -m1 "^Violations" "$report/report.txt" 2>/dev/null || echo "no report (exit $status)"), $(grep -m1 "^Faults" "$report/report.txt" 2>/dev/null) — $report/report.txt" \
        >"$report/outcome.txt"
    return "$status"
}

# ---- run / demo / cluster: the local topology, written once in C# (src/Janus.Actors.Launcher) ------------------------

# Installs what the command needs (a Janus unless the environment names one; for cluster, PostgreSQL 15 unless
# Journal__ConnectionString names a database), builds the host and the launcher, and hands over to the launcher, which
# then owns the terminal: exec keeps the pid, so a Ctrl-C reaches it as it would reach this script.
launch() {
    if [[ -z ${Janus__WebSocketUrl:-} && -z ${Janus__RestUrl:-} ]]; then
        command -v janus >/dev/null || apt_install janus
    fi
    if [[ $1 == cluster && -z ${Journal__ConnectionString:-} ]]; then
        ensure_postgres_binaries
    fi
    dotnet build "$HOST_PROJECT" -c Release --nologo -v quiet "-clp:ErrorsOnly;NoSummary"
    dotnet build "$LAUNCHER_PROJECT" -c Release --nologo -v quiet "-clp:ErrorsOnly;NoSummary"
    exec dotnet "$LAUNCHER_DLL" "$@"
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
    chaos)
        command -v janus >/dev/null || apt_install janus
        dotnet run -c Release --project tests/Janus.Actors.Chaos -- "$@"
        ;;
    pack)
        dotnet pack src/Janus.Actors -c Release -o artifacts "$@"
        ;;
    run | demo | cluster)
        launch "$command" "$@"
        ;;
    -h | --help | help)
        usage
        ;;
    *)
        usage >&2
        exit 2
        ;;
esac
