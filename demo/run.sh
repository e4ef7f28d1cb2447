#!/bin/bash
# `make demo`: see the exporter live without an IPVS kernel of your own. Boots the kernel lab's
# director (Debian's kernel under QEMU, demo/director.sh) with traffic flowing through a NAT
# service, a persistent direct-routing service and a firewall-mark pair (80+443), serves its
# exporter on localhost:9911 and a real Prometheus with dashboards/ipvs-alerts.yaml on
# localhost:9090. Ctrl-C stops both and removes what they wrote.
#
#   demo/run.sh                    start the demo (what `make demo` runs)
#   demo/run.sh quiesce ADDRESS    weight 0 for a real server (172.16.1.11 or 172.16.2.11):
#                                  IPVSBackendQuiescedTooLong turns pending in Prometheus
#   demo/run.sh restore ADDRESS    weight 1 again
#   demo/run.sh show               the director's table (ipvsadm -Ln)
#
# Environment: DEMO_EXPORTER_PORT (9911), DEMO_PROMETHEUS_PORT (9090), DEMO_CONTROL_PORT (9922),
# DEMO_EXPORTER (the binary; default .build-static/release/ipvs_exporter, `make build-static`).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
EXPORTER_PORT=${DEMO_EXPORTER_PORT:-9911}
PROMETHEUS_PORT=${DEMO_PROMETHEUS_PORT:-9090}
CONTROL_PORT=${DEMO_CONTROL_PORT:-9922}
EXPORTER=${DEMO_EXPORTER:-$REPO/.build-static/release/ipvs_exporter}

die() { echo "demo: $*" >&2; exit 1; }
answers() { curl -sf -o /dev/null --max-time 2 "$1"; }
port_taken() { (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null; }

case "${1:-start}" in
    quiesce|restore)
        [ $# = 2 ] || die "usage: demo/run.sh $1 ADDRESS (172.16.1.11 or 172.16.2.11)"
        ;&
    show)
        exec 3<> "/dev/tcp/127.0.0.1/$CONTROL_PORT" 2> /dev/null || die "no demo runs here (nothing on port $CONTROL_PORT); start it with make demo"
        echo "$*" >&3
        cat <&3
        exit 0
        ;;
    start) ;;
    -h|--help) awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "$0"; exit 0 ;;
    *) die "unknown command '$1' (see demo/run.sh --help)" ;;
esac

[ -x "$EXPORTER" ] || die "no exporter at $EXPORTER (make build-static)"
command -v prometheus > /dev/null || die "no prometheus (make kernel-deps installs it)"
for port in "$EXPORTER_PORT" "$PROMETHEUS_PORT" "$CONTROL_PORT"; do
    ! port_taken "$port" || die "port $port is in use on 127.0.0.1; stop what holds it or set DEMO_*_PORT (see --help)"
done

work=$(mktemp -d "${TMPDIR:-/tmp}/ipvs-demo.XXXXXX")
vm_pid=""
prometheus_pid=""
stop() {
    trap - INT TERM EXIT
    echo "demo: stopping" >&2
    # vm.sh leads a session of its own; `timeout` moves QEMU to another process group, but not
    # out of the session: the session goes whole (vm.sh, timeout, QEMU).
    [ -n "$vm_pid" ] && pkill -TERM -s "$vm_pid"
    [ -n "$prometheus_pid" ] && kill -TERM "$prometheus_pid" 2> /dev/null
    wait 2> /dev/null
    rm -rf "$work"
    exit "${1:-0}"
}
trap 'stop 0' INT TERM
trap 'stop 1' EXIT
failed() {
    echo "demo: $*" >&2
    for log in "$work/console.log" "$work/prometheus.log"; do
        [ -s "$log" ] && { echo "---- last lines of $(basename "$log")" >&2; tr -d '\r' < "$log" | tail -20 >&2; }
    done
    stop 1
}

# await URL PID SECONDS WHAT: until URL answers, while PID runs.
await() {
    local tries=$(($3 * 2))
    while ! answers "$1"; do
        kill -0 "$2" 2> /dev/null || failed "$4 stopped before it answered"
        tries=$((tries - 1))
        [ "$tries" -gt 0 ] || failed "$4 did not answer within $3 s"
        sleep 0.5
    done
}

echo "demo: booting the director (Debian's kernel under QEMU; the first run builds the image)" >&2
"$REPO/Tests/Kernel/vm.sh" --build-only > /dev/null || failed "the lab image could not be built"
# setsid runs vm.sh in place (a background child of a script leads no process group), so $! is
# the session's id.
setsid "$REPO/Tests/Kernel/vm.sh" --timeout 86400 --console "$work/console.log" \
    --forward "$EXPORTER_PORT:9911" --forward "$CONTROL_PORT:9922" \
    --add "$EXPORTER=/usr/bin/ipvs_exporter" --add "$REPO/Tests/Kernel/lib.sh=/test/lib.sh" \
    --add "$HERE/control.sh=/test/control.sh" "$HERE/director.sh" > "$work/vm.log" 2>&1 &
vm_pid=$!
await "http://127.0.0.1:$EXPORTER_PORT/metrics" "$vm_pid" 120 "the director's exporter"

cat > "$work/prometheus.yml" << YAML
# Written by demo/run.sh: scrape the demo director, evaluate the project's alerts.
global:
  scrape_interval: 5s
  evaluation_interval: 5s
rule_files:
  - $REPO/dashboards/ipvs-alerts.yaml
scrape_configs:
  - job_name: ipvs
    static_configs:
      - targets: ["127.0.0.1:$EXPORTER_PORT"]
        labels:
          director: demo
YAML
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" \
    --web.listen-address="127.0.0.1:$PROMETHEUS_PORT" > "$work/prometheus.log" 2>&1 &
prometheus_pid=$!
await "http://127.0.0.1:$PROMETHEUS_PORT/-/ready" "$prometheus_pid" 30 "Prometheus"

cat << TEXT
The demo director is up.
  exporter     http://127.0.0.1:$EXPORTER_PORT/metrics
  Prometheus   http://127.0.0.1:$PROMETHEUS_PORT  (scrapes every 5 s; alerts from dashboards/ipvs-alerts.yaml)
Try in Prometheus:
  rate(ipvs_backend_connections_total[1m])      new connections per real server
  ipvs_backend_connections_active               connections open now
Quiesce a real server and watch IPVSBackendQuiescedTooLong turn pending under Alerts:
  demo/run.sh quiesce 172.16.2.11      (demo/run.sh restore 172.16.2.11 to undo)
Ctrl-C stops the demo.
TEXT

# Until Ctrl-C, or until one of the two stops on its own.
while kill -0 "$vm_pid" 2> /dev/null && kill -0 "$prometheus_pid" 2> /dev/null; do
    sleep 1 &
    wait $! || true
done
kill -0 "$vm_pid" 2> /dev/null || failed "the director stopped"
failed "Prometheus stopped"
