#!/bin/bash
# Runs inside the lab VM (Tests/Kernel/vm.sh): the kernel's cost of reading /proc/net/ip_vs_conn
# as the table grows. For each size, one UDP entry per client (ipvs-lab-netlink udp-clients from
# the client namespace), then, alternating in the same run:
#   - dd of the file with 1 KiB, 4 KiB and 256 KiB reads (256 KiB is the exporter's read size;
#     seq_file returns at most about a page per read(), so the read count is what matters),
#   - cat and a scrape of an exporter with only the connections collector and no limit, in
#     turn, ROUNDS times (the medians are printed: one read of a big table varies by a third),
#   - a scrape of an exporter with every default (the guard at its default).
# Prints one line per size, then `kernel RELEASE`. All times are milliseconds.
# Usage (host): Tests/Kernel/vm.sh --add .build-static/release/ipvs_exporter=/usr/bin/ipvs_exporter \
#   --add .build-static/release/ipvs-lab-netlink=/usr/bin/ipvs-lab-netlink --add Tests/Kernel/lib.sh=/test/lib.sh \
#   Benchmarks/kernel/conn-growth.sh [SIZES...]      (ROUNDS=3 in the environment by default)
. /test/lib.sh
rounds=${ROUNDS:-3}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(20000 40000 80000 160000)
setup_topology
udp_table_service 10.0.0.160
in_ns cl ip addr add 192.168.20.3/24 dev eth0
in_ns cl ip addr add 192.168.20.4/24 dev eth0
ipvs_exporter --web.listen-address 127.0.0.1:9911 --ipvs.source procfs --log.level warn \
    --no-collector.services --no-collector.backends --no-collector.stats --no-collector.info \
    --collector.connections.max-entries 0 --collector.connections.timeout 1h > /tmp/only-connections.log 2>&1 &
ipvs_exporter --web.listen-address 127.0.0.1:9912 > /tmp/defaults.log 2>&1 &
for port in 9911 9912; do
    for _ in $(seq 100); do wget -q -O /dev/null "http://127.0.0.1:$port/" 2>/dev/null && break; sleep 0.1; done
done
now() { echo "${EPOCHREALTIME/./}"; }
ms() { echo $(( ($2 - $1) / 1000 )); }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
# Entries as the real servers count them (netlink: no read of the table itself).
entries() { ipvsadm -Ln | awk '/->/ && $NF ~ /^[0-9]+$/ {sum += $(NF - 1) + $NF} END {print sum + 0}'; }
have=0
echo "entries read1k read4k read256k cat scrape_connections_only scrape_defaults defaults_connections_success defaults_estimate"
for size in "${sizes[@]}"; do
    t0=$(now)
    in_ns cl ipvs-lab-netlink udp-clients 10.0.0.160:53 "$have" "$size" 192.168.20.2 192.168.20.3 192.168.20.4 || fail "udp-clients"
    have=$size
    log "filled to $size in $(ms "$t0" "$(now)") ms; the real servers count $(entries)"
    t0=$(now); dd if=/proc/net/ip_vs_conn of=/dev/null bs=1024 2>/dev/null; t1=$(now); read1k=$(ms "$t0" "$t1")
    t0=$(now); dd if=/proc/net/ip_vs_conn of=/dev/null bs=4096 2>/dev/null; t1=$(now); read4k=$(ms "$t0" "$t1")
    t0=$(now); dd if=/proc/net/ip_vs_conn of=/dev/null bs=262144 2>/dev/null; t1=$(now); read256k=$(ms "$t0" "$t1")
    cats=()
    onlys=()
    for ((round = 0; round < rounds; round++)); do
        t0=$(now); cat /proc/net/ip_vs_conn > /dev/null; t1=$(now); cats+=($(ms "$t0" "$t1"))
        # (busybox wget's read timeout, 900 s by default, is far above any of these reads.)
        t0=$(now); wget -q -O /tmp/only.prom http://127.0.0.1:9911/metrics; t1=$(now); onlys+=($(ms "$t0" "$t1"))
    done
    log "size $size: cat ${cats[*]} ms; connections-only scrape ${onlys[*]} ms"
    cat_ms=$(median "${cats[@]}")
    only=$(median "${onlys[@]}")
    t0=$(now); wget -q -O /tmp/defaults.prom http://127.0.0.1:9912/metrics; t1=$(now); defaults=$(ms "$t0" "$t1")
    success=$(awk '$1 == "ipvs_scrape_collector_success{collector=\"connections\"}" {print $2}' /tmp/defaults.prom)
    estimate=$(awk '$1 == "ipvs_connection_table_estimated_entries" {print $2}' /tmp/defaults.prom)
    counted=$(awk '$1 ~ /^ipvs_connections\{/ {sum += $2} END {printf "%d", sum}' /tmp/only.prom)
    [ "$counted" -ge "$size" ] || log "the connections-only scrape counted $counted entries, not $size"
    echo "$(entries) $read1k $read4k $read256k $cat_ms $only $defaults ${success:--} ${estimate:--}"
done
echo "kernel $(uname -r)"
grep -h 'level=' /tmp/defaults.log | tail -3
