# LVS-DR, weighted least-connection, persistence per /24 and port (-p 300 -M 255.255.255.0):
# the real servers hold the VIP on lo with arp_ignore/arp_announce set.
. /test/lib.sh
setup_topology
start_http 80
add_vip 10.0.0.101/32
dr_real_servers 10.0.0.101
ipvsadm -A -t 10.0.0.101:80 -s wlc -p 300 -M 255.255.255.0
ipvsadm -a -t 10.0.0.101:80 -r 172.16.1.11:80 -g -w 1
ipvsadm -a -t 10.0.0.101:80 -r 172.16.2.11:80 -g -w 1
start_exporters
expect_answers 20 http://10.0.0.101/
# Persistence: every request of this client went to one real server.
[ "$(grep -o 'rs[12]' "$OUT/traffic.txt" | sort -u | wc -l)" = 1 ] || fail "persistence did not hold: $(cat "$OUT/traffic.txt")"
settle
capture main
finish
