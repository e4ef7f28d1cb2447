# LVS-NAT, round robin: TCP 10.0.0.100:80 → both real servers on :8080, weights 1 and 2,
# under real HTTP traffic; one connection held open so there is an active one to count.
. /test/lib.sh
setup_topology
start_http 8080
add_vip 10.0.0.100/32
ipvsadm -A -t 10.0.0.100:80 -s rr
ipvsadm -a -t 10.0.0.100:80 -r 172.16.1.11:8080 -m -w 1
ipvsadm -a -t 10.0.0.100:80 -r 172.16.2.11:8080 -m -w 2
start_exporters
expect_answers 30 http://10.0.0.100/
hold_connection 10.0.0.100 80
settle
capture main
finish
