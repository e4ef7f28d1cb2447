# keepalived 2.2.7 itself with nftables_ipvs: it makes the virtual_server group a firewall-mark
# service and sets the mark in its own nftables table (ip keepalived_ipvs, chain in, input hook at
# nftables_ipvs_priority). The group's two VIPs carry traffic; then keepalived is restarted with
# nftables_ipvs_priority 100, after IPVS. Each set-up is written under /out/nft/<setup>/ as in
# nft-directors, with the linter's findings live, from the files, and from keepalived.conf.
# lab-add: /usr/sbin/keepalived=/usr/sbin/keepalived
. /test/lib.sh

# bash's <(…) reads /dev/fd/N, which the lab's minimal /dev lacks.
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
CONF=/etc/keepalived/keepalived.conf
mkdir -p /etc/keepalived

start_keepalived() {  # start_keepalived EXTRA_GLOBAL_LINE
    cat > "$CONF" <<EOF
global_defs {
    router_id lab
    nftables_ipvs
    $1
}
virtual_server_group WEB {
    10.0.0.105 80
    10.0.0.106 80
}
virtual_server group WEB {
    lb_algo rr
    lb_kind NAT
    protocol TCP
    real_server 172.16.1.11 80 {
        weight 1
    }
    real_server 172.16.2.11 80 {
        weight 1
    }
}
EOF
    keepalived --config-test -f "$CONF" || fail "keepalived refuses $CONF"
    keepalived -n -l -C -f "$CONF" > "$OUT/keepalived-$2.log" 2>&1 &
    KEEPALIVED=$!
    local i=0
    until ipvsadm -S -n | grep -q -- '-A -f 1000' && nft list table ip keepalived_ipvs > /dev/null 2>&1; do
        i=$((i + 1))
        [ "$i" -lt 100 ] || { cat "$OUT/keepalived-$2.log"; fail "keepalived made no fwmark service"; }
        sleep 0.2
    done
    sleep 1  # the real servers follow the service
}

stop_keepalived() {
    kill "$KEEPALIVED"
    wait "$KEEPALIVED" 2>/dev/null
    ipvsadm -C
}

record() {  # record SETUP
    local dir=$OUT/nft/$1
    mkdir -p "$dir"
    nft -a list ruleset > "$dir/nft-list-ruleset.txt"
    nft -j list ruleset > "$dir/nft-list-ruleset.json"
    ipvsadm -S -n > "$dir/ipvsadm-save-n.txt"
    cp "$CONF" "$dir/keepalived.conf"
    ipvs_exporter lint --live --no-config --format concise > "$dir/lint-live.txt" 2> "$dir/lint-live.stderr"
    echo $? > "$dir/lint-live.status"
    bash -c "ipvs_exporter lint --no-config --format concise --nftables <(nft -j list ruleset) --ipvsadm <(ipvsadm -S -n)" \
        > "$dir/lint-files.txt" 2> "$dir/lint-files.stderr"
    echo $? > "$dir/lint-files.status"
    # keepalived.conf with the director's iptables (no rule of keepalived's marks): the marks
    # are known from nftables_ipvs.
    bash -c "ipvs_exporter lint --no-config --format concise --keepalived $CONF --iptables <(iptables-save)" \
        > "$dir/lint-keepalived.txt" 2> "$dir/lint-keepalived.stderr"
    echo $? > "$dir/lint-keepalived.status"
}

setup_topology
start_http 80
add_vip 10.0.0.105/32
add_vip 10.0.0.106/32
start_exporters

start_keepalived "" correct
expect_answers 4 http://10.0.0.105/
expect_answers 4 http://10.0.0.106/
record keepalived-nftables-ipvs
stop_keepalived

start_keepalived "nftables_ipvs_priority 100" late
record broken-keepalived-nftables-priority

settle
capture main
stop_keepalived
finish
