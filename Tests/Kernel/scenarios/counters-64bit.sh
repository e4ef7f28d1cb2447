# 64-bit counters: more than 2^32 bytes through one service and one real server. The kernel's
# packet generator (pktgen) in the client sends 80,000 UDP datagrams of 60,000 bytes (4.8 GB) to
# a DR service; IPVS counts every one on the way in. ipvsadm prints these byte counters in full;
# a reader of the 32-bit STATS nest would wrap them.
. /test/lib.sh
setup_topology
for dev in d-cl d-rs1; do ip link set "$dev" mtu 65000; done
in_ns cl ip link set eth0 mtu 65000
in_ns rs1 ip link set eth0 mtu 65000
add_vip 10.0.0.121/32
ipvsadm -A -u 10.0.0.121:7000 -s rr
ipvsadm -a -u 10.0.0.121:7000 -r 172.16.1.11:7000 -g -w 1
start_exporters
modprobe pktgen
mac=$(cat /sys/class/net/d-cl/address)
pktgen() { in_ns cl sh -c "echo '$2' > /proc/net/pktgen/$1"; }
pktgen kpktgend_0 "rem_device_all"
pktgen kpktgend_0 "add_device eth0"
for setting in "count 80000" "clone_skb 100000" "pkt_size 60000" "dst 10.0.0.121" "dst_mac $mac" \
    "udp_src_min 9" "udp_src_max 9" "udp_dst_min 7000" "udp_dst_max 7000"; do
    pktgen eth0 "$setting"
done
in_ns cl sh -c "echo start > /proc/net/pktgen/pgctrl"
in_ns cl grep -E '^Result|pps' /proc/net/pktgen/eth0 >> "$OUT/traffic.txt"
settle
bytes=$(ipvsadm -L -n --stats --exact | awk '/^UDP/ {print $6}')
[ "$bytes" -gt 4294967296 ] || fail "only $bytes bytes counted; the scenario needs more than 2^32"
capture main
finish
