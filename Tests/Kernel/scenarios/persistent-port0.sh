# Persistence per client: a port-0 service with -p accepts every port and keeps a client on
# one real server whatever port it uses (NAT, real servers answer on the port asked for).
. /test/lib.sh
setup_topology
start_http 80 8081
add_vip 10.0.0.109/32
ipvsadm -A -t 10.0.0.109:0 -s wlc -p 120
ipvsadm -a -t 10.0.0.109:0 -r 172.16.1.11 -m -w 1
ipvsadm -a -t 10.0.0.109:0 -r 172.16.2.11 -m -w 1
start_exporters
expect_answers 10 http://10.0.0.109/
expect_answers 10 http://10.0.0.109:8081/
[ "$(grep -o 'rs[12]' "$OUT/traffic.txt" | sort -u | wc -l)" = 1 ] || fail "per-client persistence did not hold"
settle
capture main
finish
