# A big director, recorded for the cardinality tests (BackendGroupingTests on the lab's output)
# and for the README's table of series: 1,000 UDP services on consecutive VIPs (10.1.0.1 on),
# 10 NAT real servers each, round robin; the kernel's packet generator sends 100,000 datagrams
# from random source ports across all the VIPs, so every real server has connections and
# traffic. The real servers do not exist (nothing answers): IPVS counts a datagram when it
# schedules it, before it is sent on.
# Written: director/netlink-dump (ipvs_exporter netlink-dump), director/proc/net/ip_vs* and
# proc/sys/net/ipv4/vs (for procfs mode and node_exporter), director/stats.txt (ipvsadm -Ln --stats --exact).
# lab-output: director/netlink-dump/services.bin
. /test/lib.sh
setup_topology
services=1000
servers=10
awk -v n="$services" 'BEGIN { for (s = 1; s <= n; s++) printf "address add 10.1.%d.%d/32 dev vip0\n", int(s / 256), s % 256 }' \
    > /tmp/addresses
ip -batch /tmp/addresses || fail "cannot add the VIPs"
awk -v n="$services" -v m="$servers" 'BEGIN {
    for (s = 1; s <= n; s++) {
        vip = sprintf("10.1.%d.%d", int(s / 256), s % 256)
        printf "-A -u %s:53 -s rr\n", vip
        for (r = 0; r < m; r++) printf "-a -u %s:53 -r 172.16.%d.%d:%d -m -w %d\n", vip, r % 2 + 1, 20 + r, 5300 + s, r % 3 + 1
    }
}' > /tmp/rules
ipvsadm -R < /tmp/rules || fail "ipvsadm -R refused the rules"
log "$(ipvsadm -Ln | grep -c '^UDP') services, $(ipvsadm -Ln | grep -c -- '-> 172')"
modprobe pktgen
mac=$(cat /sys/class/net/d-cl/address)
last=$(awk -v n="$services" 'BEGIN { printf "10.1.%d.%d", int(n / 256), n % 256 }')
pktgen() { in_ns cl sh -c "echo '$2' > /proc/net/pktgen/$1"; }
pktgen kpktgend_0 "rem_device_all"
pktgen kpktgend_0 "add_device eth0"
for setting in "count 100000" "clone_skb 0" "pkt_size 100" "dst_min 10.1.0.1" "dst_max $last" "dst_mac $mac" \
    "udp_src_min 1024" "udp_src_max 65000" "flag UDPSRC_RND" "udp_dst_min 53" "udp_dst_max 53"; do
    pktgen eth0 "$setting"
done
in_ns cl sh -c "echo start > /proc/net/pktgen/pgctrl"
in_ns cl grep -E '^Result|pps' /proc/net/pktgen/eth0 >> "$OUT/traffic.txt"
# Two estimator ticks, so the rates are not all 0.
settle 5
dir=$OUT/director
mkdir -p "$dir/proc/net" "$dir/proc/sys/net/ipv4/vs"
ipvs_exporter netlink-dump --out "$dir/netlink-dump" > "$dir/netlink-dump.txt" 2>&1 || { cat "$dir/netlink-dump.txt"; fail "netlink-dump"; }
for file in ip_vs ip_vs_stats ip_vs_stats_percpu; do cat "/proc/net/$file" > "$dir/proc/net/$file"; done
for file in /proc/sys/net/ipv4/vs/*; do cat "$file" > "$dir/proc/sys/net/ipv4/vs/${file##*/}"; done
ipvsadm -Ln --stats --exact > "$dir/stats.txt"
scheduled=$(awk '/-> 172/ && $2 > 0 { n++ } END { print n + 0 }' "$dir/stats.txt")
log "real servers with connections: $scheduled; $(du -sk "$dir/netlink-dump" | cut -f1) KiB of netlink replies"
[ "$scheduled" -ge $((services * servers * 9 / 10)) ] || fail "only $scheduled real servers got traffic"
finish
