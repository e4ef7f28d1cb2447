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
finish
