# Connection thresholds (-x upper, -y lower) on the real servers.
. /test/lib.sh
setup_topology
start_http 8080
add_vip 10.0.0.111/32
ipvsadm -A -t 10.0.0.111:80 -s wlc
ipvsadm -a -t 10.0.0.111:80 -r 172.16.1.11:8080 -m -w 1 -x 50 -y 10
ipvsadm -a -t 10.0.0.111:80 -r 172.16.2.11:8080 -m -w 1 -x 1000
start_exporters
expect_answers 20 http://10.0.0.111/
settle
capture main
finish
