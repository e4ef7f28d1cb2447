#!/bin/bash
# `make fuzz`: every parser under libFuzzer (with AddressSanitizer) for a set time each.
#
#   Fuzz/run.sh [--smoke] [--seconds N] [--parallel N] [TARGET...]
#
# --seconds N   time per target (default 300; FUZZ_SECONDS in make fuzz)
# --parallel N  targets fuzzed at once (default 1; one core each)
# --smoke       a few thousand runs per target, to keep the build and the targets working (CI)
#
# The corpus grows in .build-fuzz/corpus/TARGET (seeded from Fuzz/corpus/TARGET, which stays
# untouched). Executions per target are added to .build-fuzz/ledger.tsv; the last clean run's log
# is .build-fuzz/TARGET.log, a failed run's is named in its message. Two runs of one target may go
# side by side and share the corpus.
# A crash stops the run with the input's path: copy it to Fuzz/regressions/TARGET/ with a name
# that says what it broke, fix the parser, and the FuzzRegressionTests replay it from then on.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=300
parallel=1
smoke=0
targets=()
while [ $# -gt 0 ]; do
    case "$1" in
        --smoke) smoke=1 ;;
        --seconds) seconds=$2; shift ;;
        --parallel) parallel=$2; shift ;;
        -h|--help) awk 'NR > 1 && !/^#/ {exit} NR > 1' "$0"; exit 0 ;;
        -*) echo "Fuzz/run.sh: unknown option $1 (see --help)" >&2; exit 3 ;;
        *) targets+=("$1") ;;
    esac
    shift
done
scratch=.build-fuzz
echo "fuzz: building (libFuzzer + AddressSanitizer)" >&2
# SwiftPM's --sanitize fuzzer links libFuzzer and instruments C; Swift code needs the coverage
# flags spelled out, or libFuzzer would fuzz the Swift parsers blind.
swift build -c release --product ipvs-fuzz --sanitize fuzzer --sanitize address -Xswiftc -DFUZZING \
    -Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table \
    --scratch-path "$scratch" 2>&1 | grep -E "error|warning: [^C]" >&2 || true
fuzzer=$scratch/release/ipvs-fuzz
[ -x "$fuzzer" ] || { echo "fuzz: the build failed" >&2; exit 2; }
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(ls Fuzz/corpus)
fi
ledger=$scratch/ledger.tsv
[ -f "$ledger" ] || printf 'date\ttarget\texecutions\tseconds\tcorpus\n' > "$ledger"
for target in "${targets[@]}"; do
    [ -d "Fuzz/corpus/$target" ] || { echo "fuzz: no target $target (Fuzz/corpus/$target)" >&2; exit 3; }
done

# One target: fuzz, add its executions to the ledger, say how it went. Exit 1 on a crash.
fuzz_one() {
    local target=$1
    local corpus=$scratch/corpus/$target crashes=$scratch/crashes/$target log
    mkdir -p "$corpus" "$crashes"
    # A log of its own: two runs of one target (one per core, sharing the corpus) writing one
    # file read each other's final stats, and the ledger counted one run twice.
    log=$(mktemp "$scratch/$target.run-XXXXXX.log")
    local limits=(-max_total_time="$seconds") asked=$seconds
    [ "$smoke" = 1 ] && { limits=(-runs=3000); asked=0; }
    # Inputs past a few KiB only slow the search: the grammars are line-based.
    local code=0
    SWIFT_BACKTRACE=enable=no IPVS_FUZZ_TARGET=$target "$fuzzer" "${limits[@]}" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$crashes/" "$corpus" "Fuzz/corpus/$target" > "$log" 2>&1 || code=$?
    local executions rate total
    executions=$(awk '/stat::number_of_executed_units/ {print $2 + 0}' "$log" | tail -1)
    rate=$(awk '/stat::average_exec_per_sec/ {print $2 + 0}' "$log" | tail -1)
    # One line per run, appended whole (the runs may be parallel).
    printf '%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$target" "${executions:-0}" "$asked" "$(ls "$corpus" | wc -l)" >> "$ledger"
    total=$(awk -F'\t' -v t="$target" '$2 == t {sum += $3} END {print sum + 0}' "$ledger")
    printf 'fuzz: %-24s %11s executions (%s/s); %s in total\n' "$target" "${executions:-0}" "${rate:-0}" "$total" >&2
    if [ $code -ne 0 ]; then
        echo "fuzz: $target FAILED (exit $code), log $log; the input: $(ls "$crashes" | head -3)" >&2
        grep -E "ERROR|Fatal error|SUMMARY" "$log" | head -5 >&2
        return 1
    fi
    mv -f "$log" "$scratch/$target.log"
}
export -f fuzz_one
export scratch fuzzer seconds smoke ledger
printf '%s\n' "${targets[@]}" | xargs -P "$parallel" -I{} bash -c 'fuzz_one "$@"' _ {}
