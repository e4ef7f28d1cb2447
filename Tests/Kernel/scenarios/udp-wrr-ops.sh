# UDP, weighted round robin, one-packet scheduling (-o): each datagram is scheduled on its own
# and leaves no connection entry behind.
. /test/lib.sh
setup_topology
start_udp_sink 5353
add_vip 10.0.0.103/32
ipvsadm -A -u 10.0.0.103:5353 -s wrr -o
ipvsadm -a -u 10.0.0.103:5353 -r 172.16.1.11:5353 -m -w 1
ipvsadm -a -u 10.0.0.103:5353 -r 172.16.2.11:5353 -m -w 3
start_exporters
udp_send 40 10.0.0.103 5353
sleep 1
received=$(cat /tmp/udp-rs1-5353 /tmp/udp-rs2-5353 2>/dev/null | wc -l)
[ "$received" -ge 30 ] || fail "only $received of 40 datagrams arrived"
echo "udp received rs1=$(wc -l < /tmp/udp-rs1-5353) rs2=$(wc -l < /tmp/udp-rs2-5353)" >> "$OUT/traffic.txt"
settle
capture main
finish
