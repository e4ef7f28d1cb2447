# Records real inputs for the linter: ipvsadm-save, iptables-save, ip6tables-save, sysctl -a and
# the timeouts, from a correct director and from broken ones. Each setup is written under
# /out/lint/<setup>/ with COMMANDS listing what produced each file. The exporter is captured
# too, so the setups are also checked against ipvsadm like every other scenario.
. /test/lib.sh

record() {  # record SETUP: the director's view, plus each real server's sysctls
    local dir=$OUT/lint/$1
    mkdir -p "$dir"
    record_director "$dir"
    iptables-save > "$dir/iptables-save.txt"
    ip6tables-save > "$dir/ip6tables-save.txt"
    ipvsadm -L --timeout > "$dir/ipvsadm-L-timeout.txt"
    cat > "$dir/COMMANDS" <<COMMANDS
ipvsadm-save-n.txt      ipvsadm -S -n
iptables-save.txt       iptables-save
ip6tables-save.txt      ip6tables-save
ipvsadm-L-timeout.txt   ipvsadm -L --timeout
sysctl-a-director.txt   sysctl -a | grep -E '^net\.(ipv4|ipv6)\.'
sysctl-a-rs1.txt        ip netns exec rs1 sysctl -a | grep -E '^net\.(ipv4|ipv6)\.'
sysctl-a-rs2.txt        ip netns exec rs2 sysctl -a | grep -E '^net\.(ipv4|ipv6)\.'
COMMANDS
    # The same director linted live (netlink, iptables-save run by the linter, /proc/sys, the
    # kernel's timeouts); the real servers are other hosts, given by their sysctl files.
    if ipvs_exporter lint --help 2>&1 | grep -q -- '--live'; then
        ipvs_exporter lint --live --no-config --format concise \
            --sysctl 172.16.1.11="$dir/sysctl-a-rs1.txt" --sysctl 172.16.2.11="$dir/sysctl-a-rs2.txt" \
            > "$dir/lint-live.txt" 2> "$dir/lint-live.stderr"
        echo $? > "$dir/lint-live.status"
    fi
}

setup_topology
start_http 80 8080 443
add_vip 10.0.0.101/32
add_vip 10.0.0.104/32

# correct: DR with ARP sysctls on the real servers, NAT, a firewall mark with its MARK rule.
dr_real_servers 10.0.0.101
ipvsadm -A -t 10.0.0.101:80 -s wlc -p 300 -M 255.255.255.0
ipvsadm -a -t 10.0.0.101:80 -r 172.16.1.11:80 -g -w 1
ipvsadm -a -t 10.0.0.101:80 -r 172.16.2.11:80 -g -w 1
ipvsadm -A -t 10.0.0.104:80 -s wrr
ipvsadm -a -t 10.0.0.104:80 -r 172.16.1.11:8080 -m -w 1
ipvsadm -a -t 10.0.0.104:80 -r 172.16.2.11:8080 -m -w 2
iptables -t mangle -A PREROUTING -d 10.0.0.104/32 -p tcp -m tcp --dport 443 -j MARK --set-mark 4
ipvsadm -A -f 4 -s rr
ipvsadm -a -f 4 -r 172.16.1.11:0 -m -w 1
start_exporters
expect_answers 6 http://10.0.0.101/
expect_answers 6 http://10.0.0.104/
expect_answers 4 http://10.0.0.104:443/
record correct

# broken-fwmark-no-mark-rule: a firewall-mark service that no MARK rule feeds.
ipvsadm -A -f 5 -s rr
ipvsadm -a -f 5 -r 172.16.2.11:0 -m -w 1
record broken-fwmark-no-mark-rule
ipvsadm -D -f 5

# broken-dr-port: asked for a DR real server on 8080; the kernel silently uses the service port.
ipvsadm -A -t 10.0.0.101:8080 -s rr
ipvsadm -a -t 10.0.0.101:8080 -r 172.16.1.11:80 -g -w 1
ipvsadm -e -t 10.0.0.101:8080 -r 172.16.1.11:80 -g -w 1
echo "ipvsadm -a -t 10.0.0.101:8080 -r 172.16.1.11:9090 -g -w 1 (saved as:)" > "$OUT/dr-port-rewrite.txt"
ipvsadm -a -t 10.0.0.101:8080 -r 172.16.2.11:9090 -g -w 1 2>>"$OUT/dr-port-rewrite.txt"
ipvsadm -S -n | grep 10.0.0.101:8080 >> "$OUT/dr-port-rewrite.txt"
record broken-dr-port
ipvsadm -D -t 10.0.0.101:8080

# broken-dr-port-kernel: the same mistake where the kernel holds it. The kernel takes any port
# for a DR real server; only ipvsadm and keepalived rewrite it, so another tool (here the lab's
# own netlink writer) can leave a director like this, and `lint --live` must say so.
ipvsadm -A -t 10.0.0.101:8080 -s rr
ipvs-lab-netlink add-dest -t 10.0.0.101:8080 -r 172.16.2.11:9090 -g -w 1
ipvsadm -S -n | grep -q -- '-r 172.16.2.11:9090 -g' || fail "the kernel does not hold 172.16.2.11:9090"
record broken-dr-port-kernel
ipvsadm -D -t 10.0.0.101:8080

# broken-arp-sysctls: a DR real server that answers ARP for the VIP.
in_ns rs2 sysctl -qw net.ipv4.conf.all.arp_ignore=0
in_ns rs2 sysctl -qw net.ipv4.conf.all.arp_announce=0
record broken-arp-sysctls
in_ns rs2 sysctl -qw net.ipv4.conf.all.arp_ignore=1
in_ns rs2 sysctl -qw net.ipv4.conf.all.arp_announce=2

# broken-tcpfin-longer-than-persistence: FIN_WAIT outlives the 300 s persistence.
ipvsadm --set 900 600 300
record broken-tcpfin-longer-than-persistence
ipvsadm --set 900 120 300

settle
capture main
finish
