# --netns: the director's exporters read the IPVS state of another network namespace (a second
# director, lb2, created with ip netns add, with its own services and a real server rs3), not
# their own, which holds a different service.
. /test/lib.sh
setup_topology
add_vip 10.0.0.122/32
ipvsadm -A -t 10.0.0.122:80 -s rr
ipvsadm -a -t 10.0.0.122:80 -r 172.16.1.11:8080 -m -w 1
ip netns add lb2
ip netns add rs3
ip link add l-rs3 netns lb2 type veth peer name eth0 netns rs3
in_ns lb2 ip link set lo up
in_ns lb2 ip addr add 172.16.3.1/24 dev l-rs3
in_ns lb2 ip link set l-rs3 up
in_ns lb2 ip link add vip0 type dummy
in_ns lb2 ip link set vip0 up
in_ns lb2 ip addr add 10.9.0.1/32 dev vip0
in_ns lb2 sysctl -qw net.ipv4.ip_forward=1
in_ns lb2 sysctl -qw net.ipv4.vs.conntrack=1
in_ns rs3 ip link set lo up
in_ns rs3 ip addr add 172.16.3.11/24 dev eth0
in_ns rs3 ip link set eth0 up
in_ns rs3 ip route add default via 172.16.3.1
mkdir -p /www/rs3 && echo rs3 > /www/rs3/index.html
in_ns rs3 httpd -p 8080 -h /www/rs3
in_ns lb2 ipvsadm -A -t 10.9.0.1:80 -s wrr
in_ns lb2 ipvsadm -a -t 10.9.0.1:80 -r 172.16.3.11:8080 -m -w 3
in_ns lb2 ipvsadm -A -u 10.9.0.1:53 -s rr
in_ns lb2 ipvsadm -a -u 10.9.0.1:53 -r 172.16.3.11:53 -m -w 1
start_exporters "" --netns /var/run/netns/lb2
# The director of lb2 is its own client (NAT of locally generated traffic).
i=0
while [ "$i" -lt 10 ]; do
    answer=$(in_ns lb2 timeout 5 wget -q -O - http://10.9.0.1/ 2>/dev/null)
    [ "$answer" = rs3 ] || fail "lb2's VIP did not answer: $answer"
    i=$((i + 1))
done
echo "http://10.9.0.1/ in lb2: 10 rs3" >> "$OUT/traffic.txt"
# lint --live --netns reads lb2's IPVS, firewall and sysctls: lb2's own nftables marks its
# firewall-mark service (the director's namespace has no such rule) and drops its DNS VIP.
in_ns lb2 ipvsadm -A -f 7 -s rr
in_ns lb2 ipvsadm -a -f 7 -r 172.16.3.11:0 -m -w 1
in_ns lb2 nft -f - <<'EOF'
table inet lb2 {
    chain pre {
        type filter hook prerouting priority mangle; policy accept;
        ip daddr 10.9.0.1 tcp dport 443 meta mark set 7
    }
    chain input {
        type filter hook input priority filter; policy accept;
        ip daddr 10.9.0.1 udp dport 53 drop
    }
}
EOF
ipvs_exporter lint --live --netns /var/run/netns/lb2 --no-config --format concise \
    > "$OUT/lint-live-netns.txt" 2> "$OUT/lint-live-netns.stderr"
echo $? > "$OUT/lint-live-netns.status"
settle
# ipvsadm in lb2, scrapes of the director's own exporters (which were given --netns).
capture main lb2 -
finish
