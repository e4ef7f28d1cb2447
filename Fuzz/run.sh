#!/bin/bash
# `make fuzz`: every parser under libFuzzer (with AddressSanitizer), a campaign that accumulates.
#
#   Fuzz/run.sh [--seconds N] [--parallel N] [--instances N] [TARGET...]
#                                                          fuzz each target N seconds (default 300)
#   Fuzz/run.sh --campaign SECONDS [--seconds N]           keep fuzzing the unfinished targets
#   Fuzz/run.sh --report                                   the table, also written to Fuzz/README.md
#   Fuzz/run.sh --smoke                                    a few thousand runs each (make test)
#
# --seconds N     time per run of one target
# --parallel N    targets fuzzed at once (default 1; one core each)
# --instances N   processes per target (default 1), sharing what they find: for a slow target,
#                 one core each. The run's ledger line adds up their executions.
# --campaign S    for S seconds, run the unfinished target with the least fuzzing time so far,
#                 N seconds at a time. A target is finished at 10,000,000 executions in total or
#                 at a plateau: 1,800 s of fuzzing, over one run or several, without a new feature.
#
# What a run leaves, both committed:
#   Fuzz/corpus/TARGET   the corpus, minimised (libFuzzer -merge) after every run: it only grows
#                        in what it covers, and the next run starts from it.
#   Fuzz/ledger.tsv      one line per run: executions, coverage (cov, ft) at the start and the
#                        end, seconds since the last new feature, corpus size, crashes.
# A crash stops that target's run with the input's path: copy it to Fuzz/regressions/TARGET/
# with a name that says what it broke, fix the parser, and FuzzRegressionTests replays it from
# then on. The smoke run leaves nothing behind.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=300
parallel=1
instances=1
smoke=0
campaign=0
report=0
targets=()
while [ $# -gt 0 ]; do
    case "$1" in
        --smoke) smoke=1 ;;
        --report) report=1 ;;
        --seconds) seconds=$2; shift ;;
        --parallel) parallel=$2; shift ;;
        --instances) instances=$2; shift ;;
        --campaign) campaign=$2; shift ;;
        -h|--help) awk 'NR > 1 && !/^#/ {exit} NR > 1' "$0"; exit 0 ;;
        -*) echo "Fuzz/run.sh: unknown option $1 (see --help)" >&2; exit 3 ;;
        *) targets+=("$1") ;;
    esac
    shift
done
for number in "$seconds" "$parallel" "$instances" "$campaign"; do
    [[ "$number" =~ ^[0-9]+$ ]] || { echo "Fuzz/run.sh: '$number' is not a whole number of seconds or runs" >&2; exit 3; }
done
[ "$instances" -ge 1 ] && [ "$parallel" -ge 1 ] || { echo "Fuzz/run.sh: --instances and --parallel need 1 or more" >&2; exit 3; }
scratch=.build-fuzz
ledger=Fuzz/ledger.tsv
executions_goal=10000000
plateau_seconds=1800
header='date	target	seconds	executions	exec_per_s	cov_start	ft_start	cov_end	ft_end	quiet_s	corpus	crashes'
[ -f "$ledger" ] || printf '%s\n' "$header" > "$ledger"

if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(ls Fuzz/corpus)
fi
for target in "${targets[@]}"; do
    [ -d "Fuzz/corpus/$target" ] || { echo "fuzz: no target $target (Fuzz/corpus/$target)" >&2; exit 3; }
done

# Per target from the ledger: runs, seconds, executions, the last cov and ft, seconds since the
# last new feature (adding up runs that found none), crashes, and whether it is finished.
summary() {
    awk -F'\t' -v goal="$executions_goal" -v plateau="$plateau_seconds" '
        NR == 1 { next }
        {
            t = $2; runs[t]++; secs[t] += $3; execs[t] += $4; cov[t] = $8; ft[t] = $9; crashes[t] += $12
            # quiet_s is "-" for a run that found nothing new: the quiet goes on from the last run.
            if ($10 == "-") quiet[t] += $3; else quiet[t] = $10
        }
        END {
            for (t in runs) {
                state = execs[t] >= goal ? "10M" : (quiet[t] >= plateau ? "plateau" : "open")
                printf "%s\t%d\t%d\t%d\t%s\t%s\t%d\t%d\t%s\n", t, runs[t], secs[t], execs[t], cov[t], ft[t], quiet[t], crashes[t], state
            }
        }' "$ledger" | sort
}

if [ "$report" = 1 ]; then
    table=$(mktemp)
    {
        echo "| target | runs | seconds | executions | cov | ft | quiet s | crashes | finished |"
        echo "|---|---:|---:|---:|---:|---:|---:|---:|---|"
        for target in $(ls Fuzz/corpus); do
            line=$(summary | awk -F'\t' -v t="$target" '$1 == t')
            if [ -z "$line" ]; then
                echo "| $target | 0 | 0 | 0 | – | – | – | 0 | not run |"
            else
                echo "$line" | awk -F'\t' '{
                    state = $9 == "10M" ? "yes: 10M executions" : ($9 == "plateau" ? "yes: plateau" : "no")
                    printf "| %s | %d | %d | %d | %s | %s | %d | %d | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, state }'
            fi
        done
    } > "$table"
    cat "$table"
    # Between the markers of Fuzz/README.md, so the committed table is the ledger's.
    awk -v table="$table" '
        /<!-- ledger:start -->/ { print; while ((getline line < table) > 0) print line; skip = 1; next }
        /<!-- ledger:end -->/ { skip = 0 }
        !skip' Fuzz/README.md > Fuzz/README.md.new && mv Fuzz/README.md.new Fuzz/README.md
    rm -f "$table"
    exit 0
fi

echo "fuzz: building (libFuzzer + AddressSanitizer)" >&2
# SwiftPM's --sanitize fuzzer links libFuzzer and instruments C; Swift code needs the coverage
# flags spelled out, or libFuzzer would fuzz the Swift parsers blind.
# A failed build stops here: an older binary left in the scratch path would fuzz old code (or
# lack a new target, which once went into the ledger as a crash).
mkdir -p "$scratch"
if ! swift build -c release --product ipvs-fuzz --sanitize fuzzer --sanitize address -Xswiftc -DFUZZING \
    -Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table \
    --scratch-path "$scratch" > "$scratch/build.log" 2>&1; then
    grep -E "error" "$scratch/build.log" | head -5 >&2
    echo "fuzz: the build failed (see $scratch/build.log)" >&2
    exit 2
fi
grep -E "warning: [^C]" "$scratch/build.log" >&2 || true
fuzzer=$scratch/release/ipvs-fuzz
[ -x "$fuzzer" ] || { echo "fuzz: the build left no $fuzzer" >&2; exit 2; }

# One target: fuzz into a scratch directory beside the committed corpus, merge the two back
# into Fuzz/corpus/TARGET (minimised), add a line to the ledger. Exit 1 on a crash.
fuzz_one() {
    local target=$1
    local work=$scratch/work/$target merged=$scratch/merged/$target crashes=$scratch/crashes/$target
    rm -rf "$work" "$merged"
    mkdir -p "$work" "$merged" "$crashes"
    local limits=(-max_total_time="$seconds")
    [ "$smoke" = 1 ] && limits=(-runs=3000)
    # AddressSanitizer's quarantine and allocation stacks cost the keepalived target a third of
    # its time. Only code that reads through unsafe pointers (the /proc and netlink decoders) can
    # use memory after freeing it; for the other parsers, safe Swift, a freed block is reused at
    # once. A crash's own stack is still printed; to see where its memory was allocated, run
    # the fuzzer on the input without ASAN_OPTIONS.
    local asan=malloc_context_size=0:quarantine_size_mb=0
    case "$target" in netlink | proc-*) asan= ;; esac
    # Inputs past a few KiB only slow the search: the grammars are line-based. Every line of the
    # log gets the second it came at, for the time since the last new feature.
    # libFuzzer's -timeout is wall-clock time: at nice 19 beside the kernel lab a 0.4 s keepalived
    # input once took 15 s and stopped the campaign. 60 s still catches a hang; inputs slower
    # than 10 s are reported as slow units.
    # With --instances N, N processes share $work as their main corpus: each reloads what the
    # others found (libFuzzer's -reload), as its -jobs do.
    local start logs=() instance
    start=$(date +%s)
    for (( instance = 1; instance <= instances; instance++ )); do
        logs+=("$(mktemp "$scratch/$target.run-XXXXXX.log")")
        { ASAN_OPTIONS=$asan SWIFT_BACKTRACE=enable=no IPVS_FUZZ_TARGET=$target "$fuzzer" "${limits[@]}" -max_len=4096 -timeout=60 \
            -report_slow_units=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$crashes/" "$work" "Fuzz/corpus/$target" 2>&1 ||
            echo "EXIT $?"; } |
            while IFS= read -r line; do printf -v now '%(%s)T' -1; printf '%d %s\n' $(( now - start )) "$line"; done > "${logs[-1]}" &
    done
    wait
    # The run's figures: executions and rates add up over the instances; coverage is the
    # highest one reached; the quiet time is the shortest (a feature found by any instance).
    local code=0 executions rate cov0 ft0 cov1 ft1 elapsed quiet crashed=0 log
    log=${logs[0]}
    code=$(awk '$2 == "EXIT" && $3 != 0 {print $3}' "${logs[@]}" | tail -1)
    code=${code:-0}
    executions=$(awk '$2 ~ /stat::number_of_executed_units/ {sum += $3} END {print sum + 0}' "${logs[@]}")
    rate=$(awk '$2 ~ /stat::average_exec_per_sec/ {sum += $3} END {print sum + 0}' "${logs[@]}")
    # The highest cov and ft on the status lines of the given kinds: at the start, INITED (the
    # corpus loaded); at the end, any.
    coverage() {
        awk -v kinds="$1" 'BEGIN { split(kinds, k, " "); for (i in k) wanted[k[i]] = 1 }
            $3 in wanted { for (i = 4; i < NF; i++) { if ($i == "cov:" && $(i+1) > c) c = $(i+1); if ($i == "ft:" && $(i+1) > f) f = $(i+1) } }
            END { print c + 0, f + 0 }' "${logs[@]}"
    }
    read -r cov0 ft0 < <(coverage "INITED")
    read -r cov1 ft1 < <(coverage "NEW INITED REDUCE pulse DONE")
    elapsed=$(for instance in "${logs[@]}"; do tail -1 "$instance"; done | awk '$1 > e {e = $1} END {print e + 0}')
    quiet=$(awk -v end="$elapsed" '$3 == "NEW" && $1 > last {last = $1} END { print last == "" ? "-" : end - last }' "${logs[@]}")
    for instance in "${logs[@]:1}"; do
        { echo "== the next instance's log"; cat "$instance"; } >> "$log"
        rm -f "$instance"
    done
    [ "$code" != 0 ] && crashed=1
    if [ "$smoke" = 1 ]; then
        printf 'fuzz: %-24s %11s executions (%s/s)\n' "$target" "${executions:-0}" "${rate:-0}" >&2
    else
        # Minimise: keep the inputs that add coverage, from both the old corpus and this run's.
        SWIFT_BACKTRACE=enable=no IPVS_FUZZ_TARGET=$target "$fuzzer" -merge=1 -max_len=4096 -timeout=60 -rss_limit_mb=2048 \
            "$merged" "Fuzz/corpus/$target" "$work" > "$log.merge" 2>&1 || { echo "fuzz: merging $target's corpus failed, see $log.merge" >&2; crashed=1; }
        if [ "$(ls "$merged" | wc -l)" -gt 0 ]; then
            find "Fuzz/corpus/$target" -type f -delete
            cp "$merged"/* "Fuzz/corpus/$target/"
        fi
        # One line per run, appended whole (runs of different targets may be parallel).
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$target" "$elapsed" "${executions:-0}" \
            "${rate:-0}" "$cov0" "$ft0" "$cov1" "$ft1" "$quiet" "$(ls "Fuzz/corpus/$target" | wc -l)" "$crashed" >> "$ledger"
        printf 'fuzz: %-24s %11s executions (%s/s), ft %s -> %s, corpus %s\n' "$target" "${executions:-0}" "${rate:-0}" \
            "$ft0" "$ft1" "$(ls "Fuzz/corpus/$target" | wc -l)" >&2
    fi
    if [ "$code" != 0 ]; then
        echo "fuzz: $target FAILED (exit $code), log $log; the input: $(ls "$crashes" | head -3)" >&2
        grep -E "ERROR|Fatal error|SUMMARY" "$log" | head -5 >&2
        return 1
    fi
    mv -f "$log" "$scratch/$target.log"
}
export -f fuzz_one summary
export scratch fuzzer seconds instances smoke ledger executions_goal plateau_seconds

if [ "$campaign" -gt 0 ]; then
    deadline=$(( $(date +%s) + campaign ))
    while [ "$(date +%s)" -lt "$deadline" ]; do
        # The unfinished target with the least fuzzing time; one never run comes first.
        next=$(for target in "${targets[@]}"; do
            line=$(summary | awk -F'\t' -v t="$target" '$1 == t')
            if [ -z "$line" ]; then echo "0 $target"; else echo "$line" | awk -F'\t' '$9 == "open" {print $3, $1}'; fi
        done | sort -n | head -1 | awk '{print $2}')
        [ -n "$next" ] || { echo "fuzz: every target is finished (10M executions or a plateau)" >&2; break; }
        left=$(( deadline - $(date +%s) ))
        [ "$left" -lt "$seconds" ] && seconds=$left
        [ "$seconds" -ge 30 ] || break
        fuzz_one "$next" || exit 1
    done
    exit 0
fi
printf '%s\n' "${targets[@]}" | xargs -P "$parallel" -I{} bash -c 'fuzz_one "$@"' _ {}
