#!/bin/bash
# `make test-stress`: the test suite on a machine whose every core is busy, to catch tests that
# fail without a bug (timing bounds, waits on starved threads). stress-ng keeps one CPU hog per
# core running for the whole time; the timing-sensitive suites (the server's and the
# integration suites) run RUNS times in a row, then the whole suite FULL times. Any failure
# stops the run with its output; the summary gives the counts and the slowest run.
#
#   Tests/Load/stress-tests.sh [RUNS] [FULL]      (default 20 and 3)
set -uo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-20}
full=${2:-3}
command -v stress-ng >/dev/null || { echo "stress-tests: stress-ng is not installed (make test-deps)" >&2; exit 2; }
swift build --build-tests >/dev/null || exit 2
cpus=$(nproc)
stress-ng --cpu "$cpus" --timeout 0 --quiet &
hog=$!
trap 'kill $hog 2>/dev/null; wait $hog 2>/dev/null' EXIT
log=$(mktemp)
# One swift test run: its seconds in $seconds, or a stop with its failures and log.
timed() {  # timed NAME ARGS...
    local name=$1 start
    shift
    start=$(date +%s.%N)
    if ! IPVS_REQUIRE_TOOLS=1 swift test --skip-build "$@" > "$log" 2>&1; then
        grep -E "✘|error:" "$log" | head -30
        echo "stress-tests: $name FAILED under stress-ng --cpu $cpus (full log: $log)" >&2
        exit 1
    fi
    seconds=$(echo "$(date +%s.%N) - $start" | bc)
}
slowest=0
for i in $(seq "$runs"); do
    timed "server and integration suites, run $i" --filter "IPVSServerTests|IntegrationTests"
    echo "stress-tests: server and integration suites, run $i/$runs passed in ${seconds}s" >&2
    slowest=$(echo "if ($seconds > $slowest) $seconds else $slowest" | bc)
done
slowest_full=0
for i in $(seq "$full"); do
    timed "full suite, run $i"
    echo "stress-tests: full suite, run $i/$full passed in ${seconds}s" >&2
    slowest_full=$(echo "if ($seconds > $slowest_full) $seconds else $slowest_full" | bc)
done
echo "stress-tests: under stress-ng --cpu $cpus: $runs/$runs runs of the server and integration suites (slowest ${slowest}s), $full/$full full runs (slowest ${slowest_full}s)"
rm -f "$log"
