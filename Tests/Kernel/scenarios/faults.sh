#!/bin/bash
# Kernel faults: IPVS absent, then back; services deleted in the middle of a scrape; services
# added and removed during a scrape loop; /proc/net/ip_vs_conn growing while it is read. Each
# time: the right ipvs_up and collector success, one clear log line where there is something
# to say, no crash, nothing stale once the churn stops (the final capture equals ipvsadm's).
. /test/lib.sh

scrape() {  # scrape PORT FILE: one scrape, which must answer 200
    wget -q -O "$2" "http://127.0.0.1:$1/metrics" || fail "scrape of :$1 failed (exporter died?)"
}
value() {  # value FILE METRIC_LINE_PREFIX
    awk -v p="$2" 'index($0, p) == 1 {print $NF}' "$1"
}

# --- 1. ip_vs absent: the module is not loaded and cannot be (modprobe refused). -------------
echo /bin/false > /proc/sys/kernel/modprobe
grep -q '^ip_vs ' /proc/modules && fail "ip_vs is loaded before the scenario"
for mode in auto netlink procfs; do
    port=$((9940 + ${#mode}))
    ipvs_exporter --web.listen-address 127.0.0.1:$port --ipvs.source $mode > /tmp/exporter-absent-$mode.log 2>&1 &
done
for mode in auto netlink procfs; do wait_for_exporter $((9940 + ${#mode})); done
for mode in auto netlink procfs; do
    port=$((9940 + ${#mode}))
    for i in 1 2 3; do scrape $port "$OUT/absent-$mode-$i.prom"; done
    [ "$(value "$OUT/absent-$mode-3.prom" 'ipvs_up ')" = 0 ] || fail "$mode: ipvs_up is not 0 without ip_vs"
    grep -q '^ipvs_service_info' "$OUT/absent-$mode-3.prom" && fail "$mode: services reported without ip_vs"
    lines=$(grep -c 'IPVS state cannot be read' /tmp/exporter-absent-$mode.log)
    [ "$lines" = 1 ] || { cat /tmp/exporter-absent-$mode.log; fail "$mode: expected one 'cannot be read' line over 3 scrapes, found $lines"; }
    grep -q 'collector failed' /tmp/exporter-absent-$mode.log && { cat /tmp/exporter-absent-$mode.log; fail "$mode: per-collector noise on top of ipvs_up 0"; }
done
grep -q '^ip_vs ' /proc/modules && fail "reading loaded ip_vs although modprobe was refused"

# ... and back: ip_vs loaded with a service; the same exporters see it without a restart.
echo /usr/sbin/modprobe > /proc/sys/kernel/modprobe
setup_topology
start_http 8080
add_vip 10.0.0.150/32
ipvsadm -A -t 10.0.0.150:80 -s rr
ipvsadm -a -t 10.0.0.150:80 -r 172.16.1.11:8080 -m -w 1
for mode in auto netlink procfs; do
    port=$((9940 + ${#mode}))
    scrape $port "$OUT/back-$mode.prom"
    [ "$(value "$OUT/back-$mode.prom" 'ipvs_up ')" = 1 ] || fail "$mode: ipvs_up is not 1 once ip_vs is loaded"
    grep -q '^ipvs_service_info{proto="TCP",local_address="10.0.0.150"' "$OUT/back-$mode.prom" || fail "$mode: the new service is missing"
    grep -q 'IPVS state readable again' /tmp/exporter-absent-$mode.log || { cat /tmp/exporter-absent-$mode.log; fail "$mode: the recovery was not logged"; }
    cp /tmp/exporter-absent-$mode.log "$OUT/"
done
[ "$(value "$OUT/back-auto.prom" 'ipvs_exporter_source_info{source="netlink"}')" = 1 ] || fail "auto mode did not go back to netlink"
ipvsadm -D -t 10.0.0.150:80

start_exporters
# --- 2. Services deleted while a scrape walks them: 1,000 services of 2 real servers (a netlink
# scrape of a second or so here), every other one deleted in one batch as the scrape starts.
# A service deleted between GET_SERVICE and its GET_DEST must be left out, not reported
# without real servers; the deletion must really overlap the scrape in some rounds.
rules=/tmp/rules
: > "$rules"
: > /tmp/deletes
for ((s = 0; s < 1000; s++)); do
    vip="10.9.$((s / 250)).$((s % 250 + 1))"
    echo "-A -t $vip:80 -s rr" >> "$rules"
    for r in 1 2; do echo "-a -t $vip:80 -r 172.16.$r.$((s % 250 + 1)):8080 -m -w 1" >> "$rules"; done
    [ $((s % 2)) = 0 ] && echo "-D -t $vip:80" >> /tmp/deletes
done
overlapped=0
for round in 1 2 3 4 5 6; do
    ipvsadm -C
    ipvsadm -R < "$rules"
    wget -q -O "$OUT/deleting-$round.prom" "http://127.0.0.1:$EXPORTER_PORT_NETLINK/metrics" &
    scraper=$!
    sleep "0.$((round - 1))"
    ipvsadm -R < /tmp/deletes
    wait $scraper || fail "scrape during deletion failed"
    [ "$(value "$OUT/deleting-$round.prom" 'ipvs_up ')" = 1 ] || fail "ipvs_up is not 1 during deletion"
    [ "$(value "$OUT/deleting-$round.prom" 'ipvs_scrape_collector_success{collector="backends"}')" = 1 ] || fail "backends collector failed during deletion"
    # Every service reported has its two real servers.
    awk -F'"' '/^ipvs_service_info/ {services[$4] = 1} /^ipvs_backend_weight/ {backends[$4]++}
        END {for (s in services) if (backends[s] != 2) {if (bad++ < 5) print "service " s " reported with " backends[s] + 0 " real servers"}
             printf "%d services in the scrape\n", length(services); exit bad > 0}' "$OUT/deleting-$round.prom" \
        >> "$OUT/deleting.txt" || { cat "$OUT/deleting.txt"; fail "round $round: a service was reported emptied"; }
    count=$(tail -1 "$OUT/deleting.txt" | cut -d' ' -f1)
    [ "$count" -gt 500 ] && [ "$count" -lt 1000 ] && overlapped=$((overlapped + 1))
done
echo "deletion overlapped the scrape in $overlapped of 6 rounds" >> "$OUT/deleting.txt"
[ "$overlapped" -gt 0 ] || { cat "$OUT/deleting.txt"; fail "no round deleted services during the scrape: the test proved nothing"; }
ipvsadm -C

# --- 3. Services added and removed all through a scrape loop, then the churn stops. ----------
churn() {
    local i=0
    while [ ! -f /tmp/stop-churn ]; do
        ipvsadm -A -t 10.8.0.$((i % 50 + 1)):80 -s wlc 2>/dev/null
        ipvsadm -a -t 10.8.0.$((i % 50 + 1)):80 -r 172.16.1.$((i % 50 + 1)):8080 -m -w 1 2>/dev/null
        ipvsadm -D -t 10.8.0.$(((i + 25) % 50 + 1)):80 2>/dev/null
        i=$((i + 1))
    done
}
churn &
churner=$!
for i in $(seq 1 30); do
    for port in $EXPORTER_PORT_PROCFS $EXPORTER_PORT_NETLINK; do
        scrape $port /tmp/churn.prom
        [ "$(value /tmp/churn.prom 'ipvs_up ')" = 1 ] || fail "ipvs_up is not 1 during churn (:$port)"
        grep '^ipvs_scrape_collector_success' /tmp/churn.prom | grep -v ' 1$' && fail "a collector failed during churn (:$port)"
    done
done
touch /tmp/stop-churn
wait $churner
echo "churn: $(ipvsadm -L -n | grep -c '^TCP') services left" >> "$OUT/traffic.txt"

# --- 4. /proc/net/ip_vs_conn growing while it is read: connections opened in a loop. ---------
add_vip 10.0.0.151/32
ipvsadm -A -t 10.0.0.151:80 -s rr
ipvsadm -a -t 10.0.0.151:80 -r 172.16.1.11:8080 -m -w 1
ipvsadm -a -t 10.0.0.151:80 -r 172.16.2.11:8080 -m -w 1
( while [ ! -f /tmp/stop-connections ]; do wget -q -O /dev/null http://10.0.0.151/ 2>/dev/null; done ) &
opener=$!
for i in $(seq 1 30); do
    scrape $EXPORTER_PORT_PROCFS /tmp/growing.prom
    [ "$(value /tmp/growing.prom 'ipvs_scrape_collector_success{collector="connections"}')" = 1 ] \
        || { cat /tmp/exporter-procfs.log; fail "the connections collector failed while the table grew"; }
done
touch /tmp/stop-connections
wait $opener
echo "connection table at the end: $(grep -c . /proc/net/ip_vs_conn) lines" >> "$OUT/traffic.txt"

# Nothing went wrong, so nothing was logged at warn or above during parts 2 to 4.
for log in /tmp/exporter-procfs.log /tmp/exporter-netlink.log; do
    if grep -E 'level=(warn|error|critical)' "$log"; then fail "$log has warnings during churn"; fi
done
settle
capture main
finish
