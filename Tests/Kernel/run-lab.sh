#!/bin/bash
# Runs every lab scenario (or those named) in its own VM with the freshly built exporter, then
# leaves the captures in RESULTS for the comparison (swift test --filter KernelLabTests).
#
#   run-lab.sh [-j JOBS] [-o RESULTS] [-b EXPORTER] [-k KERNEL] [SCENARIO...]
#
# -k boots that kernel (5.10, 6.1 or 6.12: Tests/Kernel/kernel-packages; default 6.1), and
# RESULTS/kernel says which one ran.
# Prints each scenario's wall time; exits non-zero when a VM failed (its console is printed).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
JOBS=2
RESULTS=$REPO/.build/kernel-lab/results
EXPORTER=$REPO/.build-static/release/ipvs_exporter
while getopts "j:o:b:k:" option; do
    case $option in
        k) export IPVS_VM_KERNEL=$OPTARG ;;
        j) JOBS=$OPTARG ;;
        o) RESULTS=$OPTARG ;;
        b) EXPORTER=$OPTARG ;;
        *) exit 2 ;;
    esac
done
shift $((OPTIND - 1))
[ -x "$EXPORTER" ] || { echo "run-lab.sh: no exporter binary at $EXPORTER (make build-static)" >&2; exit 2; }
LAB_NETLINK=$REPO/.build-static/release/ipvs-lab-netlink
[ -x "$LAB_NETLINK" ] || { echo "run-lab.sh: no ipvs-lab-netlink at $LAB_NETLINK (make build-static)" >&2; exit 2; }

scenarios=("$@")
if [ ${#scenarios[@]} -eq 0 ]; then
    for script in "$HERE"/scenarios/*.sh; do scenarios+=("$(basename "$script" .sh)"); done
fi

"$HERE/vm.sh" --build-only > /dev/null || exit 1
rm -rf "$RESULTS"
mkdir -p "$RESULTS"
echo "${IPVS_VM_KERNEL:-6.1}" > "$RESULTS/kernel"
LOGS=$RESULTS/.logs
mkdir -p "$LOGS"
start=$(date +%s.%N)

run_one() {
    local name=$1 script=$HERE/scenarios/$1.sh t0 t1 rc add extra=()
    # A scenario names what else it needs in the guest with "# lab-add: SRC=DST" lines (SRC
    # relative to the repository unless absolute).
    while read -r add; do
        case "$add" in /*) ;; *) add=$REPO/$add ;; esac
        extra+=(--add "$add")
    done < <(sed -n 's/^# lab-add: //p' "$script")
    t0=$(date +%s.%N)
    "$HERE/vm.sh" --timeout 300 --out "$RESULTS/$name" \
        --add "$EXPORTER=/usr/bin/ipvs_exporter" --add "$LAB_NETLINK=/usr/bin/ipvs-lab-netlink" --add "$HERE/lib.sh=/test/lib.sh" \
        "${extra[@]}" "$script" > "$LOGS/$name.log" 2>&1
    rc=$?
    t1=$(date +%s.%N)
    printf '%s %s %.1f\n' "$name" "$rc" "$(echo "$t1 - $t0" | bc)" > "$LOGS/$name.status"
}

running=0
for name in "${scenarios[@]}"; do
    [ -f "$HERE/scenarios/$name.sh" ] || { echo "no scenario $name" >&2; exit 2; }
    run_one "$name" &
    running=$((running + 1))
    if [ "$running" -ge "$JOBS" ]; then
        wait -n
        running=$((running - 1))
    fi
done
wait

failed=0
printf '%-22s %6s %s\n' scenario seconds result
for name in "${scenarios[@]}"; do
    read -r _ rc seconds < "$LOGS/$name.status"
    result=ok
    if [ "$rc" != 0 ]; then
        result="FAILED (exit $rc)"
        failed=1
    fi
    printf '%-22s %6s %s\n' "$name" "$seconds" "$result"
done
printf 'lab wall time: %.1f s with %s parallel VMs\n' "$(echo "$(date +%s.%N) - $start" | bc)" "$JOBS"
if [ "$failed" = 1 ]; then
    for name in "${scenarios[@]}"; do
        read -r _ rc _ < "$LOGS/$name.status"
        [ "$rc" = 0 ] && continue
        echo "---- $name (exit $rc) ----"
        tail -40 "$LOGS/$name.log"
    done
    exit 1
fi
