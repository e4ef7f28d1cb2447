# ipvsadm --set changes the tcp, tcpfin and udp timeouts.
. /test/lib.sh
setup_topology
start_http 8080
add_vip 10.0.0.112/32
ipvsadm --set 600 60 200
ipvsadm -A -t 10.0.0.112:80 -s rr
ipvsadm -a -t 10.0.0.112:80 -r 172.16.1.11:8080 -m -w 1
start_exporters
expect_answers 5 http://10.0.0.112/
settle
capture main
finish
