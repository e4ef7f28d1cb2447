# No CAP_NET_ADMIN: the exporter runs as nobody with every capability dropped. In auto mode
# netlink is refused (EPERM); it must say so once, fall back to /proc for good and keep
# serving what /proc has.
. /test/lib.sh
setup_topology
start_http 8080
add_vip 10.0.0.123/32
ipvsadm -A -t 10.0.0.123:80 -s wlc -p 120
ipvsadm -a -t 10.0.0.123:80 -r 172.16.1.11:8080 -m -w 1
ipvsadm -a -t 10.0.0.123:80 -r 172.16.2.11:8080 -m -w 2
setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all \
    sh -c "ipvs_exporter --web.listen-address 127.0.0.1:$EXPORTER_PORT_PROCFS --ipvs.source auto > /tmp/exporter-unprivileged.log 2>&1 &"
wait_for_exporter "$EXPORTER_PORT_PROCFS"
expect_answers 10 http://10.0.0.123/
settle
for i in 1 2 3; do wget -q -O /dev/null "http://127.0.0.1:$EXPORTER_PORT_PROCFS/metrics" || fail "scrape $i failed"; done
CAPTURE_MODES=procfs capture main
warnings=$(grep -c 'netlink refused' /tmp/exporter-unprivileged.log)
[ "$warnings" = 1 ] || { cat /tmp/exporter-unprivileged.log; fail "expected one 'netlink refused' warning, found $warnings"; }
grep -q 'level=warn' /tmp/exporter-unprivileged.log || fail "the fallback was not logged as a warning"
grep -q '^ipvs_exporter_source_info{source="procfs"} 1' "$OUT/main/procfs.prom" || fail "source_info does not say procfs"
grep -q "^$(id -u nobody 2>/dev/null || echo 65534)" /dev/null; ps -o user,comm | grep ipvs_exporter >> "$OUT/traffic.txt"
cp /tmp/exporter-unprivileged.log "$OUT/"

# Least privilege, as packaging/ipvs_exporter.service runs it: nobody holding only
# CAP_NET_ADMIN (ambient) reads everything through netlink.
setpriv --reuid=nobody --regid=nogroup --clear-groups --bounding-set=-all,+net_admin \
    --inh-caps=-all,+net_admin --ambient-caps=-all,+net_admin \
    sh -c "ipvs_exporter --web.listen-address 127.0.0.1:9931 --ipvs.source netlink > /tmp/exporter-net-admin.log 2>&1 & echo \$! > /tmp/exporter-net-admin.pid"
wait_for_exporter 9931
wget -q -O "$OUT/net-admin.prom" http://127.0.0.1:9931/metrics || { cat /tmp/exporter-net-admin.log; fail "scrape with CAP_NET_ADMIN only failed"; }
grep -q '^ipvs_exporter_source_info{source="netlink"} 1' "$OUT/net-admin.prom" || { cat /tmp/exporter-net-admin.log; fail "CAP_NET_ADMIN only: not netlink"; }
grep -q '^ipvs_up 1' "$OUT/net-admin.prom" || fail "CAP_NET_ADMIN only: ipvs_up is not 1"
grep -q '^ipvs_service_connections_total{' "$OUT/net-admin.prom" || fail "CAP_NET_ADMIN only: no netlink counters"
grep -q '^ipvs_timeout_seconds{protocol="tcp"}' "$OUT/net-admin.prom" || fail "CAP_NET_ADMIN only: no timeouts"
# The process really is nobody with CAP_NET_ADMIN (bit 12) and nothing else.
grep -E '^(Uid|CapEff|CapBnd|CapAmb):' "/proc/$(cat /tmp/exporter-net-admin.pid)/status" > "$OUT/net-admin-caps.txt"
grep -q '^CapEff:[[:space:]]*0000000000001000$' "$OUT/net-admin-caps.txt" || { cat "$OUT/net-admin-caps.txt"; fail "CAP_NET_ADMIN only: other capabilities held"; }
grep -q '^Uid:[[:space:]]*65534' "$OUT/net-admin-caps.txt" || { cat "$OUT/net-admin-caps.txt"; fail "not running as nobody"; }
cp /tmp/exporter-net-admin.log "$OUT/"
finish
