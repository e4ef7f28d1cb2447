#!/bin/bash
# The lab's big director (Tests/Kernel/scenarios/scale.sh: 1,000 services x 10 real servers,
# all with traffic) served two ways on this machine, side by side in one run: ipvs_exporter
# replaying the director's netlink recording with default flags, and Debian's
# prometheus-node-exporter (ipvs collector only) reading the same director's /proc. A scrape is
# timed by curl, alternating between the two, ROUNDS times, plain and with gzip; medians.
#
#   Benchmarks/replay-scale.sh EXPORTER [SCALE_DIR] [ROUNDS]
#
# SCALE_DIR is a lab result's scale/director (netlink-dump/, proc/); without it the scenario
# runs in the lab first (about a minute).
set -euo pipefail
cd "$(dirname "$0")/.."
exporter=$1
director=${2:-}
rounds=${3:-31}
work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
if [ -z "$director" ]; then
    Tests/Kernel/run-lab.sh -j 1 -o "$work/lab" scale >&2
    director=$work/lab/scale/director
fi
[ -f "$director/netlink-dump/services.bin" ] || { echo "no recording in $director" >&2; exit 2; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
ours_port=$(free_port)
node_port=$(free_port)
"$exporter" --web.listen-address "127.0.0.1:$ours_port" --netlink.replay "$director/netlink-dump" \
    --path.procfs "$director/proc" --log.level error 2>/dev/null &
pids+=($!)
prometheus-node-exporter --web.listen-address="127.0.0.1:$node_port" --path.procfs="$director/proc" \
    --collector.disable-defaults --collector.ipvs --log.level=error 2>/dev/null &
pids+=($!)
for port in "$ours_port" "$node_port"; do
    for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/metrics" && break; sleep 0.1; done
done
time_scrape() { curl -s -o /dev/null -w '%{time_total}\n' ${2:+-H "$2"} "http://127.0.0.1:$1/metrics"; }
median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
echo "| encoding | ipvs_exporter (netlink replay) ms | node_exporter (/proc) ms | ratio | bytes (ours / node_exporter) |"
echo "|---|---:|---:|---:|---|"
for encoding in plain gzip; do
    header=""
    [ "$encoding" = gzip ] && header="Accept-Encoding: gzip"
    # Warm both up, then alternate so that drift in the machine's load hits both sides.
    for _ in 1 2 3; do time_scrape "$ours_port" "$header" > /dev/null; time_scrape "$node_port" "$header" > /dev/null; done
    : > "$work/ours" && : > "$work/node"
    for _ in $(seq "$rounds"); do
        time_scrape "$ours_port" "$header" >> "$work/ours"
        time_scrape "$node_port" "$header" >> "$work/node"
    done
    ours=$(median < "$work/ours")
    node=$(median < "$work/node")
    bytes_ours=$(curl -s ${header:+-H "$header"} "http://127.0.0.1:$ours_port/metrics" | wc -c)
    bytes_node=$(curl -s ${header:+-H "$header"} "http://127.0.0.1:$node_port/metrics" | wc -c)
    awk -v e="$encoding" -v a="$ours" -v b="$node" -v x="$bytes_ours" -v y="$bytes_node" \
        'BEGIN { printf "| %s | %.1f | %.1f | **%.2f×** | %d / %d |\n", e, a * 1000, b * 1000, a / b, x, y }'
done
