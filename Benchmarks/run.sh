#!/bin/bash
# `make bench`: every benchmark of the project side by side in one run, written to
# BENCHMARKS.md. Ratios are what to read: this machine is shared and noisy, and both sides of
# each ratio are measured in the same run, alternating.
#
#   Benchmarks/run.sh [--smoke] [--no-kernel] [--out FILE]
#
# --smoke: tiny sizes and runs, to keep the script working in `make test` (no figures to read).
set -euo pipefail
cd "$(dirname "$0")/.."
smoke=0
kernel=1
out=BENCHMARKS.md
while [ $# -gt 0 ]; do
    case "$1" in
        --smoke) smoke=1; kernel=0 ;;
        --no-kernel) kernel=0 ;;
        --out) out=$2; shift ;;
        *) echo "usage: Benchmarks/run.sh [--smoke] [--no-kernel] [--out FILE]" >&2; exit 3 ;;
    esac
    shift
done

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    # Keep the raw measurements for a look after a failed report.
    mkdir -p .build/bench && cp "$work"/*.tsv "$work"/*.json "$work"/*.txt .build/bench/ 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
results=$work/results.tsv
: > "$results"
record() { printf '%s\n' "$(IFS=$'\t'; echo "$*")" >> "$results"; }

# The smoke run uses the debug build `make test` already has: a cold release build would only
# slow CI down, and its figures are not read.
configuration=release
[ $smoke = 1 ] && configuration=debug
echo "bench: building ($configuration)" >&2
# The release build links as `make build` does (scripts/release-link-flags).
flags=()
[ $configuration = release ] && read -r -a flags < scripts/release-link-flags
swift build -c $configuration --product ipvs_exporter "${flags[@]}" >/dev/null
swift build -c $configuration --product ipvs-bench "${flags[@]}" >/dev/null
bin=$PWD/.build/$configuration
# What is measured is what `make install` puts on a director: the static binary (a director has
# no Swift toolchain to lend it a runtime). The dynamic build's peak RSS is reported beside it.
dynamic=$bin/ipvs_exporter
exporter=$dynamic
if [ $smoke = 0 ]; then
    make -s build-static >/dev/null
    exporter=$PWD/.build-static/release/ipvs_exporter
fi
node=$(command -v prometheus-node-exporter)

if [ $smoke = 1 ]; then
    sizes="10x2"; duration=1; conns=1000; lint_sizes="6 60"; runs=2
else
    sizes="100x10 1000x10 5000x20"; duration=10; conns=1000000; lint_sizes="6 600 6000"; runs=10
fi

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$1/metrics" && return 0; sleep 0.1; done; echo "nothing on port $1" >&2; exit 1; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
peak_rss_kib() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }
hz=$(getconf CLK_TCK)

# wrk with one connection: p50 and p99 latency (ms), requests/s, and CPU per request (ms).
# Prints: p50 p99 rps cpu_ms
measure() {
    local pid=$1 url=$2 header=$3
    local before after
    before=$(cpu_ticks "$pid")
    local report
    report=$(wrk -t1 -c1 -d"${duration}s" --timeout 60s --latency ${header:+-H "$header"} "$url" || true)
    after=$(cpu_ticks "$pid")
    python3 - "$report" "$before" "$after" "$hz" <<'EOF'
import re, sys
report, before, after, hz = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
if "requests in" not in report or "50%" not in report:
    sys.stderr.write("wrk gave no latency report:\n" + report + "\n")
    print("nan nan nan nan")
    sys.exit(0)
def ms(text):
    match = re.match(r"([\d.]+)(us|ms|s|m)$", text)
    if not match:
        sys.stderr.write(f"unreadable wrk latency {text!r} in:\n{report}\n")
        return float("nan")
    value, unit = match.groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]
# Only the distribution section: the thread statistics above it have percentages too.
distribution = report.split("Latency Distribution", 1)[-1]
p50 = ms(re.search(r"^\s*50%\s+(\S+)", distribution, re.M).group(1))
p99 = ms(re.search(r"^\s*99%\s+(\S+)", distribution, re.M).group(1))
requests = int(re.search(r"(\d+) requests in", report).group(1))
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", report).group(1))
cpu = (after - before) * 1000.0 / hz / max(requests, 1)
print(f"{p50:.2f} {p99:.2f} {rps:.1f} {cpu:.2f}")
EOF
}

# --- 1. Scrapes on generated procfs trees, beside node_exporter -----------------------------
for size in $sizes; do
    services=${size%x*}; servers=${size#*x}
    tree=$work/procfs-$size
    python3 Benchmarks/gen_procfs.py "$tree" "$services" "$servers" >/dev/null
    ours_port=$(free_port); node_port=$(free_port)
    "$exporter" --web.listen-address "127.0.0.1:$ours_port" --path.procfs "$tree" --ipvs.source procfs --log.level error &
    ours=$!; pids+=("$ours")
    "$node" --web.listen-address "127.0.0.1:$node_port" --path.procfs="$tree" --collector.disable-defaults --collector.ipvs --log.level=error 2>/dev/null &
    theirs=$!; pids+=("$theirs")
    wait_port "$ours_port"; wait_port "$node_port"
    bytes_ours=$(curl -s "http://127.0.0.1:$ours_port/metrics" | wc -c)
    bytes_node=$(curl -s "http://127.0.0.1:$node_port/metrics" | wc -c)
    for encoding in plain gzip; do
        header=""
        [ $encoding = gzip ] && header="Accept-Encoding: gzip"
        # Alternate, so drift in the machine's load hits both sides.
        for round in 1 2; do
            read -r a50 a99 arps acpu <<< "$(measure "$ours" "http://127.0.0.1:$ours_port/metrics" "$header")"
            read -r b50 b99 brps bcpu <<< "$(measure "$theirs" "http://127.0.0.1:$node_port/metrics" "$header")"
            record scrape "$size" "$encoding" "$round" ipvs_exporter "$a50" "$a99" "$arps" "$acpu"
            record scrape "$size" "$encoding" "$round" node_exporter "$b50" "$b99" "$brps" "$bcpu"
        done
    done
    record rss "$size" ipvs_exporter "$(peak_rss_kib "$ours")" "$bytes_ours"
    record rss "$size" node_exporter "$(peak_rss_kib "$theirs")" "$bytes_node"
    kill "$ours" "$theirs"; wait "$ours" "$theirs" 2>/dev/null || true
    # The dynamic build (what `make run` starts), for its peak RSS: one round of each encoding.
    dyn_port=$(free_port)
    "$dynamic" --web.listen-address "127.0.0.1:$dyn_port" --path.procfs "$tree" --ipvs.source procfs --log.level error &
    dyn=$!; pids+=("$dyn")
    wait_port "$dyn_port"
    measure "$dyn" "http://127.0.0.1:$dyn_port/metrics" "" > /dev/null
    measure "$dyn" "http://127.0.0.1:$dyn_port/metrics" "Accept-Encoding: gzip" > /dev/null
    record rss "$size" ipvs_exporter-dynamic "$(peak_rss_kib "$dyn")" "$bytes_ours"
    kill "$dyn"; wait "$dyn" 2>/dev/null || true
    echo "bench: scrapes at $size done" >&2
done

# --- 2. The connection table, beside wc -l on the same file --------------------------------
tree=$work/conn
python3 Benchmarks/gen_procfs.py "$tree" 1000 10 "$conns" >/dev/null
port=$(free_port)
# No limit: the real servers' counts in this tree estimate far more than the default guard's
# 40,000 entries, and a skipped read would measure nothing.
"$exporter" --web.listen-address "127.0.0.1:$port" --path.procfs "$tree" --ipvs.source procfs --log.level error \
    --no-collector.services --no-collector.backends --no-collector.stats --no-collector.info \
    --collector.connections.max-entries 0 &
conn_pid=$!; pids+=("$conn_pid")
wait_port "$port"
hyperfine -N --warmup 2 --runs "$runs" --export-json "$work/conn.json" \
    "wc -l $tree/net/ip_vs_conn" \
    "curl -s -o /dev/null http://127.0.0.1:$port/metrics" \
    "$bin/ipvs-bench conntrack $tree/net/ip_vs_conn 1" >&2
record conn-rss "$(peak_rss_kib "$conn_pid")" "$(wc -l < "$tree/net/ip_vs_conn")" "$(stat -c %s "$tree/net/ip_vs_conn")"
kill "$conn_pid"; wait "$conn_pid" 2>/dev/null || true
echo "bench: connection table done" >&2

# --- 3. lint at growing size ---------------------------------------------------------------
commands=()
for services in $lint_sizes; do
    mkdir -p "$work/lint-$services"
    "$bin/ipvs-bench" lint-inputs "$work/lint-$services" "$services" 10 $((services * 5)) >/dev/null
    lines=$(( $(wc -l < "$work/lint-$services/ipvsadm.save") + $(wc -l < "$work/lint-$services/iptables.save") ))
    record lint-size "$services" "$lines"
    commands+=("$exporter lint --ipvsadm $work/lint-$services/ipvsadm.save --iptables $work/lint-$services/iptables.save --format concise")
done
hyperfine -N -i --warmup 1 --runs "$runs" --export-json "$work/lint.json" "${commands[@]}" >&2
echo "bench: lint done" >&2

# --- 4. netlink in the kernel lab ----------------------------------------------------------
if [ $kernel = 1 ]; then
    Tests/Kernel/vm.sh --timeout 900 --add .build-static/release/ipvs_exporter=/usr/bin/ipvs_exporter \
        Benchmarks/kernel/netlink-scale.sh 1000 10 15 > "$work/netlink.txt" 2>&1 || true
    echo "bench: kernel lab (netlink) done" >&2
    # The kernel's own cost of reading ip_vs_conn as it grows (minutes under TCG at 160,000).
    Tests/Kernel/vm.sh --timeout 3600 --add .build-static/release/ipvs_exporter=/usr/bin/ipvs_exporter \
        --add .build-static/release/ipvs-lab-netlink=/usr/bin/ipvs-lab-netlink --add Tests/Kernel/lib.sh=/test/lib.sh \
        Benchmarks/kernel/conn-growth.sh 20000 40000 80000 160000 > "$work/conn-growth.txt" 2>&1 || true
    echo "bench: kernel lab (connection table growth) done" >&2
    # The lab's big director, recorded, replayed beside node_exporter on its /proc.
    Benchmarks/replay-scale.sh "$exporter" "" 31 > "$work/replay.txt" 2>&1 || true
    echo "bench: replay of the lab's big director done" >&2
fi

if [ $smoke = 1 ]; then
    # The replay benchmark on a small recording of the lab, to keep the script working.
    mkdir -p "$work/small-director"
    ln -s "$PWD/Tests/Fixtures/lab/netlink/nat-rr-main" "$work/small-director/netlink-dump"
    ln -s "$PWD/Tests/Fixtures/kernel-6.1-lab/proc" "$work/small-director/proc"
    Benchmarks/replay-scale.sh "$exporter" "$work/small-director" 1 > "$work/replay.txt"
    grep -q '^| plain |' "$work/replay.txt" || { cat "$work/replay.txt"; echo "bench: the replay benchmark gave no figures" >&2; exit 1; }
    echo "bench: replay (smoke) done" >&2
fi

netlink=()
[ $kernel = 1 ] && netlink=(--netlink "$work/netlink.txt" --conn-growth "$work/conn-growth.txt" --replay "$work/replay.txt")
python3 Benchmarks/report.py --results "$results" --conn "$work/conn.json" --lint "$work/lint.json" "${netlink[@]}" > "$work/BENCHMARKS.md"
if [ $smoke = 1 ]; then
    # The smoke run keeps the script working; its tiny figures are not worth keeping.
    cat "$work/BENCHMARKS.md"
else
    cp "$work/BENCHMARKS.md" "$out"
    echo "bench: wrote $out" >&2
fi
