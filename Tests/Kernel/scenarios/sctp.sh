# SCTP through LVS-NAT (/proc prints SCTP lines one column wider).
. /test/lib.sh
setup_topology
start_sctp_echo 9999
add_vip 10.0.0.107/32
ipvsadm -A --sctp-service 10.0.0.107:9999 -s rr
ipvsadm -a --sctp-service 10.0.0.107:9999 -r 172.16.1.11:9999 -m -w 1
ipvsadm -a --sctp-service 10.0.0.107:9999 -r 172.16.2.11:9999 -m -w 1
start_exporters
sctp_requests 6 10.0.0.107 9999
settle
capture main
finish
