# LVS-TUN with source hashing and its flags (-b sh-fallback,sh-port): IPIP to tunl0 on the
# real servers, which hold the VIP there.
. /test/lib.sh
setup_topology
start_http 80
add_vip 10.0.0.102/32
tun_real_servers 10.0.0.102
modprobe ipip
ipvsadm -A -t 10.0.0.102:80 -s sh -b sh-fallback,sh-port
ipvsadm -a -t 10.0.0.102:80 -r 172.16.1.11:80 -i -w 1
ipvsadm -a -t 10.0.0.102:80 -r 172.16.2.11:80 -i -w 1
start_exporters
expect_answers 20 http://10.0.0.102/
settle
capture main
finish
