# IPv6 LVS-NAT: [fd00:100::100]:80 to both real servers on :8080.
. /test/lib.sh
setup_topology
start_http 8080
add_vip fd00:100::100/128
ipvsadm -A -t [fd00:100::100]:80 -s rr
ipvsadm -a -t [fd00:100::100]:80 -r [fd00:16:1::11]:8080 -m -w 1
ipvsadm -a -t [fd00:100::100]:80 -r [fd00:16:2::11]:8080 -m -w 1
start_exporters
expect_answers 20 "http://[fd00:100::100]/"
hold_connection fd00:100::100 80
settle
capture main
finish
