# LVS-TUN beyond IPIP (kernel 5.2 and later): GUE on a UDP port and GRE, with each checksum
# option ipvsadm has (nocsum, csum, remcsum for GUE; nocsum, csum for GRE). The real servers
# decapsulate GUE with fou into their IPIP device, and GRE with GRE devices that hold the VIPs;
# every service carries traffic.
#
# A GRE device takes a packet only when both or neither carry a checksum (ip_tunnel_rcv counts
# the others as rx_crc_errors and drops them): the fallback gre0 (no checksum) cannot receive
# --tun-csum. That service's real servers are a second address of each real server
# (172.16.N.12), whose own GRE device has `icsum`.
. /test/lib.sh
setup_topology
start_http 80
tun_real_servers 10.0.0.110 10.0.0.111 10.0.0.112
for n in 1 2; do
    ns=rs$n
    in_ns "$ns" modprobe fou
    in_ns "$ns" ip fou add port 6080 gue
    in_ns "$ns" modprobe ip_gre
    in_ns "$ns" ip link set gre0 up
    in_ns "$ns" ip addr add 10.0.0.113/32 dev gre0
    in_ns "$ns" ip addr add "172.16.$n.12/24" dev eth0
    in_ns "$ns" ip link add gre-csum type gre local "172.16.$n.12" icsum
    in_ns "$ns" ip link set gre-csum up
    in_ns "$ns" ip addr add 10.0.0.114/32 dev gre-csum
    for device in gre0 gre-csum; do in_ns "$ns" sysctl -qw "net.ipv4.conf.$device.rp_filter=0"; done
done
# vip  real-server host part  tunnel options (both real servers get the same)
while read -r vip host options; do
    add_vip "$vip/32"
    ipvsadm -A -t "$vip:80" -s rr
    for n in 1 2; do
        # shellcheck disable=SC2086
        ipvsadm -a -t "$vip:80" -r "172.16.$n.$host:80" -i -w 1 $options
    done
done <<SERVICES
10.0.0.110 11 --tun-type gue --tun-port 6080
10.0.0.111 11 --tun-type gue --tun-port 6080 --tun-csum
10.0.0.112 11 --tun-type gue --tun-port 6080 --tun-remcsum
10.0.0.113 11 --tun-type gre
10.0.0.114 12 --tun-type gre --tun-csum
SERVICES
ipvsadm -L -n --tun-info > "$OUT/tun-info.txt"
start_exporters
for vip in 10.0.0.110 10.0.0.111 10.0.0.112 10.0.0.113 10.0.0.114; do
    expect_answers 6 "http://$vip/"
done
settle
capture main
finish
