# Shared by the lab scenarios; runs inside the VM (dash). Sourced by each scenario.
#
# Topology (as in docs/ipvs-vm-recipe.md): the root namespace is the director; namespaces
# cl (client, 192.168.20.2 / fd00:20::2), rs1 (172.16.1.11 / fd00:16:1::11) and
# rs2 (172.16.2.11 / fd00:16:2::11) hang off it on veth pairs; the director routes between
# them. VIPs live on the dummy device vip0.
#
# A scenario configures IPVS, sends real traffic through the VIPs, lets it settle, then calls
# `capture NAME`: ipvsadm's whole view before, the exporter's scrapes, ipvsadm's view after.
# The host compares them (Tests/IPVSTestSupport/LabComparison.swift).

set -u
OUT=/out
EXPORTER_PORT_PROCFS=9911
EXPORTER_PORT_NETLINK=9912

log() { echo "[$(cut -d' ' -f1 /proc/uptime)] $*"; }
fail() { echo "FAIL: $*"; exit 1; }
in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

setup_topology() {
    modprobe ip_vs
    sysctl -qw net.ipv4.ip_forward=1
    sysctl -qw net.ipv6.conf.all.forwarding=1
    # DR/TUN replies come back through the director with the VIP as source (pitfall 11).
    sysctl -qw net.ipv4.conf.all.accept_local=1
    sysctl -qw net.ipv4.conf.all.rp_filter=0
    sysctl -qw net.ipv4.conf.default.rp_filter=0
    # No duplicate address detection: new IPv6 addresses are usable at once (pitfall 10).
    sysctl -qw net.ipv6.conf.all.accept_dad=0
    sysctl -qw net.ipv6.conf.default.accept_dad=0
    sysctl -qw net.core.devconf_inherit_init_net=1
    ip link add vip0 type dummy
    ip link set vip0 up
    local spec ns v4 v6 host
    for spec in "cl 192.168.20 fd00:20:" "rs1 172.16.1 fd00:16:1:" "rs2 172.16.2 fd00:16:2:"; do
        set -- $spec
        ns=$1 v4=$2 v6=$3
        host=2
        [ "$ns" = cl ] || host=11
        ip netns add "$ns"
        ip link add "d-$ns" type veth peer name eth0 netns "$ns"
        ip addr add "$v4.1/24" dev "d-$ns"
        ip -6 addr add "$v6:1/64" dev "d-$ns" nodad
        ip link set "d-$ns" up
        in_ns "$ns" ip link set lo up
        in_ns "$ns" ip addr add "$v4.$host/24" dev eth0
        in_ns "$ns" ip -6 addr add "$v6:$host/64" dev eth0 nodad
        in_ns "$ns" ip link set eth0 up
        in_ns "$ns" ip route add default via "$v4.1"
        in_ns "$ns" ip -6 route add default via "$v6:1"
        in_ns "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0
        # Hosts, not routers (devconf_inherit_init_net copied the director's forwarding=1):
        # a real server that forwarded DR packets it does not own would loop them back.
        in_ns "$ns" sysctl -qw net.ipv4.ip_forward=0
        in_ns "$ns" sysctl -qw net.ipv6.conf.all.forwarding=0
    done
}

# udp_table_service VIP: a UDP service on VIP:53, round robin over both real servers by direct
# routing, whose entries live an hour: the connection-table scenario and bench fill it with
# udp-clients and read it for minutes (DR: the real servers drop the datagrams, no replies).
udp_table_service() {
    add_vip "$1/32"
    ipvsadm --set 900 120 3600
    ipvsadm -A -u "$1:53" -s rr
    ipvsadm -a -u "$1:53" -r 172.16.1.11:53 -g -w 1
    ipvsadm -a -u "$1:53" -r 172.16.2.11:53 -g -w 1
}

add_vip() { ip addr add "$1" dev vip0 nodad 2>/dev/null || ip addr add "$1" dev vip0; }

# Web servers on both real servers: port list, each answers with the real server's name.
start_http() {
    local ns port
    for ns in rs1 rs2; do
        mkdir -p "/www/$ns"
        echo "$ns" > "/www/$ns/index.html"
        for port in "$@"; do
            in_ns "$ns" httpd -p "[::]:$port" -h "/www/$ns"
        done
    done
}

start_udp_sink() {  # start_udp_sink PORT: counts datagrams per real server in /tmp/udp-<ns>-<port>
    local ns
    for ns in rs1 rs2; do
        in_ns "$ns" sh -c "nc.openbsd -u -l -k $1 >> /tmp/udp-$ns-$1 2>/dev/null &"
    done
}

start_sctp_echo() {  # start_sctp_echo PORT
    local ns
    modprobe sctp
    for ns in rs1 rs2; do
        in_ns "$ns" sh -c "socat SCTP-LISTEN:$1,fork,reuseaddr SYSTEM:'echo $ns' >/dev/null 2>&1 &"
    done
    sleep 0.5
}

# Real servers of a DR service hold the VIP on lo and must not answer ARP for it.
dr_real_servers() {
    local ns vip
    for ns in rs1 rs2; do
        in_ns "$ns" sysctl -qw net.ipv4.conf.all.arp_ignore=1
        in_ns "$ns" sysctl -qw net.ipv4.conf.all.arp_announce=2
        for vip in "$@"; do in_ns "$ns" ip addr add "$vip/32" dev lo; done
    done
}

# Real servers of an IPIP service decapsulate on tunl0, which holds the VIP.
tun_real_servers() {
    local ns vip
    for ns in rs1 rs2; do
        in_ns "$ns" modprobe ipip
        in_ns "$ns" ip link set tunl0 up
        in_ns "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0
        in_ns "$ns" sysctl -qw net.ipv4.conf.tunl0.rp_filter=0
        for vip in "$@"; do in_ns "$ns" ip addr add "$vip/32" dev tunl0; done
    done
}

# http_requests COUNT URL: GETs from the client; prints which real server answered, one per line.
http_requests() {
    local i=0
    while [ "$i" -lt "$1" ]; do
        in_ns cl timeout 5 wget -q -O - "$2" 2>/dev/null || echo "no-answer"
        i=$((i + 1))
    done
}

# expect_answers COUNT URL: the requests must all be answered by a real server.
expect_answers() {
    local answers
    answers=$(http_requests "$1" "$2")
    echo "$2 $(echo "$answers" | sort | uniq -c | tr -s ' \n' ' ')" >> "$OUT/traffic.txt"
    echo "$answers" | grep -q no-answer && fail "$2 did not answer every request: $answers"
    return 0
}

udp_send() {  # udp_send COUNT HOST PORT
    local i=0
    while [ "$i" -lt "$1" ]; do
        echo "datagram $i" | in_ns cl nc.openbsd -u -w1 -q0 "$2" "$3" 2>/dev/null
        i=$((i + 1))
    done
    echo "udp $2:$3 sent $1" >> "$OUT/traffic.txt"
}

sctp_requests() {  # sctp_requests COUNT HOST PORT
    local i=0 answer
    while [ "$i" -lt "$1" ]; do
        answer=$(in_ns cl timeout 5 socat -T3 -u "SCTP:$2:$3" STDOUT 2>/dev/null)
        [ -n "$answer" ] || fail "SCTP $2:$3 did not answer"
        i=$((i + 1))
    done
    echo "sctp $2:$3 answered $1" >> "$OUT/traffic.txt"
}

# Keeps one TCP connection ESTABLISHED through a VIP (an active connection to count).
hold_connection() {  # hold_connection HOST PORT
    in_ns cl sh -c "(sleep 600 | nc.openbsd $1 $2 >/dev/null 2>&1 &)"
    sleep 0.5
}

# The estimator folds per-CPU counters into the totals every 2 s (pitfall 12).
# record_director DIR: what the linter reads as files: ipvsadm-save, and the sysctls of the
# director and of each real server (rs1, rs2).
record_director() {
    local ns
    ipvsadm-save -n > "$1/ipvsadm-save-n.txt" 2>/dev/null || ipvsadm -S -n > "$1/ipvsadm-save-n.txt"
    sysctl -a 2>/dev/null | grep -E '^net\.(ipv4|ipv6)\.' > "$1/sysctl-a-director.txt"
    for ns in rs1 rs2; do
        in_ns "$ns" sysctl -a 2>/dev/null | grep -E '^net\.(ipv4|ipv6)\.' > "$1/sysctl-a-$ns.txt"
    done
}

settle() { sleep "${1:-3}"; }

# start_exporters [NETNS] [EXTRA_ARGS...]: one exporter per source mode, run in NETNS (or the
# director's namespace when empty), with EXTRA_ARGS (e.g. --netns PATH).
start_exporters() {
    local ns=${1:-} prefix="" mode port source_flag i
    [ $# -gt 0 ] && shift
    [ -n "$ns" ] && prefix="ip netns exec $ns"
    for mode in procfs netlink; do
        port=$EXPORTER_PORT_PROCFS
        [ "$mode" = netlink ] && port=$EXPORTER_PORT_NETLINK
        if [ "$mode" = netlink ] && ! ipvs_exporter serve --help 2>&1 | grep -q 'ipvs.source'; then continue; fi
        source_flag=""
        ipvs_exporter serve --help 2>&1 | grep -q 'ipvs.source' && source_flag="--ipvs.source $mode"
        $prefix sh -c "ipvs_exporter --web.listen-address 127.0.0.1:$port $source_flag --log.level debug $* \
            > /tmp/exporter-$mode${ns:+-$ns}.log 2>&1 &"
    done
    wait_for_exporter "$EXPORTER_PORT_PROCFS" "$ns"
}

wait_for_exporter() {  # wait_for_exporter PORT [NETNS]
    local prefix="" i=0
    [ -n "${2:-}" ] && prefix="ip netns exec $2"
    while [ "$i" -lt 50 ]; do
        $prefix wget -q -O /dev/null "http://127.0.0.1:$1/" 2>/dev/null && return 0
        sleep 0.1
        i=$((i + 1))
    done
    cat /tmp/exporter-*.log
    fail "the exporter on port $1 did not start"
}

# ipvsadm's whole view into DIR (run once before and once after the scrapes).
ipvsadm_view() {  # ipvsadm_view DIR [NETNS]
    local dir=$1 prefix=""
    [ -n "${2:-}" ] && prefix="ip netns exec $2"
    mkdir -p "$dir"
    $prefix ipvsadm -L -n > "$dir/list.txt"
    $prefix ipvsadm -L -n --stats --exact > "$dir/stats.txt"
    $prefix ipvsadm -L -n --rate --exact > "$dir/rate.txt"
    $prefix ipvsadm -L -n --persistent-conn > "$dir/persistent.txt"
    $prefix ipvsadm -L -n --thresholds > "$dir/thresholds.txt"
    $prefix ipvsadm -L -n --tun-info > "$dir/tun.txt"
    $prefix ipvsadm -L --timeout > "$dir/timeout.txt"
    $prefix ipvsadm -L --daemon > "$dir/daemon.txt"
    $prefix ipvsadm -L -n -c > "$dir/connections.txt"
    $prefix cat /proc/net/ip_vs_stats > "$dir/ip_vs_stats.txt"
}

# capture NAME [NETNS] [SCRAPE_NETNS]: before, the scrapes of the exporters, after. ipvsadm
# runs in NETNS; the exporters are scraped in SCRAPE_NETNS ("-" for the director's namespace;
# NETNS by default). CAPTURE_MODES lists the exporters to scrape (default: procfs netlink).
capture() {
    local name=$1 ns=${2:-} scrape_ns=${3:-${2:-}} prefix="" dir mode port modes
    [ "$scrape_ns" = - ] && scrape_ns=""
    [ -n "$scrape_ns" ] && prefix="ip netns exec $scrape_ns"
    modes=${CAPTURE_MODES:-procfs netlink}
    ipvs_exporter serve --help 2>&1 | grep -q 'ipvs.source' || modes=procfs
    dir=$OUT/$name
    mkdir -p "$dir"
    ipvsadm_view "$dir/before" "$ns"
    for mode in $modes; do
        port=$EXPORTER_PORT_PROCFS
        [ "$mode" = netlink ] && port=$EXPORTER_PORT_NETLINK
        $prefix wget -q -O "$dir/$mode.prom" "http://127.0.0.1:$port/metrics" 2>/dev/null || rm -f "$dir/$mode.prom"
    done
    # The raw netlink replies of the same moment, for the decoder's tests.
    if ipvs_exporter --help 2>&1 | grep -q netlink-dump; then
        local dump_prefix=""
        [ -n "$ns" ] && dump_prefix="ip netns exec $ns"
        $dump_prefix ipvs_exporter netlink-dump --out "$dir/netlink-dump" > "$dir/netlink-dump.txt" 2>&1 \
            || { cat "$dir/netlink-dump.txt"; fail "netlink-dump failed for $name"; }
    fi
    ipvsadm_view "$dir/after" "$ns"
    for mode in $modes; do
        [ -s "$dir/$mode.prom" ] || fail "no $mode scrape for $name"
    done
    log "captured $name ($(grep -c '^ipvs_backend_weight' "$dir/procfs.prom") real servers)"
}

# skip_scenario REASON: this kernel cannot run the scenario (a scheduler it lacks). The lab
# tests accept the skip only where KernelDifferences.skipped lists this kernel and scenario.
skip_scenario() {
    log "skipped: $1"
    echo "$1" > "$OUT/skipped"
    finish
}

finish() {
    local log
    for log in /tmp/exporter-*.log; do
        [ -f "$log" ] && cp "$log" "$OUT/"
    done
    exit 0
}

mkdir -p "$OUT"
: > "$OUT/traffic.txt"
