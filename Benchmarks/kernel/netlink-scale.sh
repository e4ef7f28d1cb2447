#!/bin/bash
# Runs inside the lab VM (Tests/Kernel/vm.sh): 1,000 services x 10 real servers, then times,
# alternating in the same run, a netlink-mode scrape of the exporter and
# `ipvsadm -Ln --stats --exact > /dev/null`. Prints one line per run and the medians.
# Usage (host): Tests/Kernel/vm.sh --add .build-static/release/ipvs_exporter=/usr/bin/ipvs_exporter Benchmarks/kernel/netlink-scale.sh [SERVICES] [SERVERS] [RUNS]
services=${1:-1000}
servers=${2:-10}
runs=${3:-15}
modprobe ip_vs
rules=/tmp/rules
: > "$rules"
for ((s = 0; s < services; s++)); do
    vip="10.$((s / 250 + 1)).$((s % 250 + 1)).1"
    echo "-A -t $vip:80 -s wlc" >> "$rules"
    for ((r = 0; r < servers; r++)); do
        echo "-a -t $vip:80 -r 172.16.$((r + 1)).$((s % 250 + 1)):8080 -m -w 1" >> "$rules"
    done
done
ipvsadm -R < "$rules"
ipvs_exporter --web.listen-address 127.0.0.1:9912 --ipvs.source netlink --no-collector.connections > /tmp/exporter.log 2>&1 &
for i in $(seq 50); do wget -q -O /dev/null http://127.0.0.1:9912/ 2>/dev/null && break; sleep 0.1; done
echo "$(ipvsadm -Ln | grep -c '^TCP') services, $(ipvsadm -Ln | grep -c -- '->' ) real servers (minus the header line)"
now() { echo "${EPOCHREALTIME/./}"; }
exporter=()
ipvsadm_times=()
collect=()
for ((i = 0; i < runs; i++)); do
    # Like ipvsadm's, the output goes to /dev/null (the VM has one CPU, shared with the client).
    t0=$(now); wget -q -O /dev/null http://127.0.0.1:9912/metrics; t1=$(now)
    exporter+=($(((t1 - t0) / 1000)))
    t0=$(now); ipvsadm -Ln --stats --exact > /dev/null; t1=$(now)
    ipvsadm_times+=($(((t1 - t0) / 1000)))
done
for ((i = 0; i < 5; i++)); do
    wget -q -O /tmp/scrape.prom http://127.0.0.1:9912/metrics
    collect+=($(awk '/^ipvs_scrape_collector_duration_seconds/ {sum += $2} END {printf "%d", sum * 1000}' /tmp/scrape.prom))
done
# The floor: the same bytes served as a static file by busybox httpd, fetched the same way.
mkdir -p /tmp/www && cp /tmp/scrape.prom /tmp/www/metrics
httpd -p 127.0.0.1:9920 -h /tmp/www
sleep 0.3
floor=()
for ((i = 0; i < runs; i++)); do
    t0=$(now); wget -q -O /dev/null http://127.0.0.1:9920/metrics; t1=$(now)
    floor+=($(((t1 - t0) / 1000)))
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
echo "exporter scrape ms:   ${exporter[*]}"
echo "  of which collecting: ${collect[*]}"
echo "ipvsadm ms:           ${ipvsadm_times[*]}"
echo "static file ms:       ${floor[*]}"
echo "median exporter $(median "${exporter[@]}") ms (collecting $(median "${collect[@]}") ms), ipvsadm $(median "${ipvsadm_times[@]}") ms, the exposition as a static file $(median "${floor[@]}") ms"
echo "exposition: $(wc -c < /tmp/scrape.prom) bytes; ipvsadm output: $(ipvsadm -Ln --stats --exact | wc -c) bytes"
grep -c '^ipvs_backend_connections_total' /tmp/scrape.prom
