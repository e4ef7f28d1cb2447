# One firewall mark, two services: IPv4 and IPv6 fwmark services on mark 7, as keepalived builds
# them for a dual-stack VIP pair. Captured with real servers, then after a health checker would
# have removed every one of them (the outage /proc cannot tell the families apart in), then with
# one IPv6 real server back. Both source modes are scraped each time.
. /test/lib.sh
setup_topology
start_http 80
add_vip 10.0.0.130/32
add_vip fd00:130::1/128
iptables -t mangle -A PREROUTING -d 10.0.0.130/32 -p tcp --dport 80 -j MARK --set-mark 7
ip6tables -t mangle -A PREROUTING -d fd00:130::1/128 -p tcp --dport 80 -j MARK --set-mark 7
ipvsadm -A -f 7 -s rr
ipvsadm -a -f 7 -r 172.16.1.11:0 -m -w 1
ipvsadm -a -f 7 -r 172.16.2.11:0 -m -w 1
ipvsadm -A -f 7 -6 -s rr
ipvsadm -a -f 7 -6 -r [fd00:16:1::11]:0 -m -w 1
ipvsadm -a -f 7 -6 -r [fd00:16:2::11]:0 -m -w 1
start_exporters
expect_answers 8 http://10.0.0.130/
expect_answers 8 "http://[fd00:130::1]/"
settle
capture with-real-servers
ipvsadm -d -f 7 -r 172.16.1.11:0
ipvsadm -d -f 7 -r 172.16.2.11:0
ipvsadm -d -f 7 -6 -r [fd00:16:1::11]:0
ipvsadm -d -f 7 -6 -r [fd00:16:2::11]:0
cat /proc/net/ip_vs > "$OUT/ip_vs-without-real-servers.txt"
settle
capture without-real-servers
ipvsadm -a -f 7 -6 -r [fd00:16:2::11]:0 -m -w 1
expect_answers 4 "http://[fd00:130::1]/"
settle
capture one-ipv6-real-server
finish
