# The connection table at scale, on the real kernel: 12,000 UDP entries (one per client port).
# Under the default guard both exporters read the whole table, and the capture compares their
# counts with ipvsadm -Lnc (the fixed-offset reader on the kernel's own lines). Then exporters
# whose --collector.connections.max-entries is below the estimate skip the read: the scrape
# says so (collector success 0, the estimate as a gauge), logs one line, and stays fast.
. /test/lib.sh
setup_topology
udp_table_service 10.0.0.170
entries=12000
in_ns cl ipvs-lab-netlink udp-clients 10.0.0.170:53 0 "$entries" 192.168.20.2 || fail "udp-clients could not send"
lines=$(($(wc -l < /proc/net/ip_vs_conn) - 1))
echo "connection table: $lines entries" >> "$OUT/traffic.txt"
[ "$lines" -ge "$entries" ] || fail "the table holds $lines entries, not $entries"

# 1. Under the default limit (40,000): read, and compared with ipvsadm on the host.
start_exporters
capture read

# 2. Over a limit of 10,000: skipped, in both source modes.
now_ms() { awk '{printf "%d", $1 * 1000}' /proc/uptime; }  # dash has no EPOCHREALTIME
port=9913
for mode in procfs netlink; do
    ipvs_exporter --web.listen-address "127.0.0.1:$port" --ipvs.source "$mode" --collector.connections.max-entries 10000 \
        > "/tmp/exporter-guard-$mode.log" 2>&1 &
    wait_for_exporter "$port"
    t0=$(now_ms)
    wget -q -O "/tmp/guard-$mode.prom" "http://127.0.0.1:$port/metrics" || fail "$mode: the guarded scrape failed"
    took=$(($(now_ms) - t0))
    success=$(awk '$1 == "ipvs_scrape_collector_success{collector=\"connections\"}" {print $2}' "/tmp/guard-$mode.prom")
    estimate=$(awk '$1 == "ipvs_connection_table_estimated_entries" {print $2}' "/tmp/guard-$mode.prom")
    echo "guard $mode: scrape $took ms, connections success $success, estimate $estimate" >> "$OUT/traffic.txt"
    [ "$success" = 0 ] || fail "$mode: the connections collector did not report the skip (success '$success')"
    [ "$estimate" -ge "$entries" ] 2>/dev/null || fail "$mode: estimate '$estimate', expected at least $entries"
    grep -q 'collector skipped its read' "/tmp/exporter-guard-$mode.log" \
        || { cat "/tmp/exporter-guard-$mode.log"; fail "$mode: no log line for the skip"; }
    [ "$took" -lt 5000 ] || fail "$mode: the guarded scrape took $took ms"
    # The rest of the scrape is there.
    grep -q '^ipvs_up 1' "/tmp/guard-$mode.prom" || fail "$mode: ipvs_up is not 1 beside the skip"
    port=$((port + 1))
done
finish
