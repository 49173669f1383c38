#!/usr/bin/env bash
# Build, test, benchmark and run Janus.Actors. See usage() below.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")"

readonly SOLUTION=Janus.Actors.sln
readonly RESULTS=TestResults
readonly POSTGRES_BIN=/usr/lib/postgresql/15/bin

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

usage() {
    cat <<EOF
Usage: ./build.sh <command> [arguments]

  build          dotnet build $SOLUTION -c Release
  test [args]    install missing test dependencies (Janus, PostgreSQL 15 binaries), then
                 dotnet test $SOLUTION -c Release [args]; TRX and hang dumps in $RESULTS/
  bench [args]   dotnet run -c Release --project tests/Janus.Actors.Benchmarks -- [args]
  run            start the Janus.Actors host next to Janus configured from deploy/janus/
                 (not wired up yet: arrives with the host)
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
# and sipp (the SIP peer of the SIP call example).
ensure_test_dependencies() {
    command -v janus >/dev/null || apt_install janus
    command -v sipp >/dev/null || apt_install sip-tester
    local tool
    for tool in initdb pg_ctl postgres; do
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
    run)
        echo "build.sh run: the Janus.Actors host (src/Janus.Actors.Host) is not wired up yet; it arrives with the host issue." >&2
        echo "Janus's recommended configuration is in deploy/janus/ (janus -F deploy/janus)." >&2
        exit 2
        ;;
    -h | --help | help)
        usage
        ;;
    *)
        usage >&2
        exit 2
        ;;
esac
