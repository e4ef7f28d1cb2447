#!/bin/bash
# `make test-demo`: runs `make demo` as a new user would (demo/run.sh), on ports of its own, and
# checks what the demo promises: Prometheus holds live values from the director within a
# minute; quiescing a real server turns IPVSBackendQuiescedTooLong pending; SIGINT (Ctrl-C)
# stops the VM and Prometheus and leaves nothing behind.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
export DEMO_EXPORTER_PORT=${DEMO_EXPORTER_PORT:-19911}
export DEMO_PROMETHEUS_PORT=${DEMO_PROMETHEUS_PORT:-19090}
export DEMO_CONTROL_PORT=${DEMO_CONTROL_PORT:-19922}
prometheus=http://127.0.0.1:$DEMO_PROMETHEUS_PORT
log=$(mktemp)
demo_pid=""
fail() {
    echo "test-demo: FAIL: $*" >&2
    echo "---- demo/run.sh's output" >&2
    cat "$log" >&2
    [ -n "$demo_pid" ] && kill -INT "$demo_pid" 2> /dev/null && wait "$demo_pid" 2> /dev/null
    rm -f "$log"
    exit 1
}
# query EXPR: the number of series a PromQL query returns.
query() {
    curl -sf --max-time 5 "$prometheus/api/v1/query" --data-urlencode "query=$1" |
        python3 -c 'import json, sys; print(len(json.load(sys.stdin)["data"]["result"]))' 2> /dev/null || echo 0
}
# alert_state NAME: pending, firing, or nothing.
alert_state() {
    curl -sf --max-time 5 "$prometheus/api/v1/alerts" |
        python3 -c 'import json, sys
for alert in json.load(sys.stdin)["data"]["alerts"]:
    if alert["labels"]["alertname"] == sys.argv[1]: print(alert["state"], alert["labels"].get("remote_address", "")); break' "$1" 2> /dev/null || true
}

# Started as from a terminal, where Ctrl-C is SIGINT to a process that has SIGINT at its
# default. A background child of a script starts with SIGINT ignored, and so does everything
# under a CI runner started in the background; bash cannot trap a signal ignored when it
# started, so the demo would never see the test's Ctrl-C. Reset it, as a terminal session has it.
start=$(date +%s)
python3 -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])' \
    "$REPO/demo/run.sh" < /dev/null > "$log" 2>&1 &
demo_pid=$!

# Live values: traffic counted by the director, scraped and turned into a rate by Prometheus.
live=""
for _ in $(seq 150); do
    kill -0 "$demo_pid" 2> /dev/null || fail "demo/run.sh exited before Prometheus had values"
    if [ "$(query 'rate(ipvs_backend_connections_total[30s]) > 0')" -ge 2 ]; then live=$(( $(date +%s) - start )); break; fi
    sleep 1
done
[ -n "$live" ] || fail "no real server had a connection rate above 0 in Prometheus within 150 s"
services=$(query 'ipvs_service_connections_total')
[ "$services" = 3 ] || fail "Prometheus has $services services, the demo director has 3 (NAT, DR, fwmark)"
echo "test-demo: live connection rates in Prometheus $live s after the start (boot, exporter, first scrapes)"

# Quiesce a real server the way the banner tells a user to; the alert's expression holds at
# once, and its 6 h `for:` keeps it pending.
answer=$("$REPO/demo/run.sh" quiesce 172.16.2.11)
[[ "$answer" == *"ipvsadm -e"* ]] || fail "demo/run.sh quiesce 172.16.2.11 changed nothing: $answer"
quiesced=$(date +%s)
state=""
for _ in $(seq 60); do
    state=$(alert_state IPVSBackendQuiescedTooLong)
    case "$state" in pending*) break ;; esac
    sleep 1
done
case "$state" in
    pending*172.16.2.11*) echo "test-demo: IPVSBackendQuiescedTooLong pending ($state) $(( $(date +%s) - quiesced )) s after the quiesce" ;;
    *) fail "IPVSBackendQuiescedTooLong is '${state:-absent}' 60 s after quiescing 172.16.2.11, not pending for it" ;;
esac
table=$("$REPO/demo/run.sh" show)
grep -q '172.16.2.11:8080 *Masq *0 ' <<< "$table" || fail "the director's table does not show 172.16.2.11 at weight 0: $table"

# Ctrl-C: everything stops and goes.
# The demo's scratch directory is in its children's command lines (vm.sh --console, Prometheus
# --storage.tsdb.path); QEMU's names the forwarded port.
work=$(pgrep -af 'ipvs-demo\.' | grep -o '/[^ ]*/ipvs-demo\.[A-Za-z0-9]*' | head -1 || true)
children=$(pgrep -f "ipvs-demo\.|hostfwd=tcp:127.0.0.1:$DEMO_EXPORTER_PORT-" | tr '\n' ' ' || true)
{ [ -n "$work" ] && [ -n "$children" ]; } || fail "cannot find the demo's processes (pgrep -af ipvs-demo.)"
kill -INT "$demo_pid"
for _ in $(seq 30); do kill -0 "$demo_pid" 2> /dev/null || break; sleep 1; done
kill -0 "$demo_pid" 2> /dev/null && fail "demo/run.sh still runs 30 s after SIGINT"
wait "$demo_pid" && code=0 || code=$?
[ "$code" = 0 ] || fail "demo/run.sh exited $code after SIGINT, not 0"
for pid in $children; do kill -0 "$pid" 2> /dev/null && fail "process $pid ($(tr '\0' ' ' < /proc/"$pid"/cmdline)) outlived the demo"; done
for port in "$DEMO_EXPORTER_PORT" "$DEMO_PROMETHEUS_PORT" "$DEMO_CONTROL_PORT"; do
    (exec 3<> "/dev/tcp/127.0.0.1/$port") 2> /dev/null && fail "port $port still answers after the demo stopped"
done
[ -z "$work" ] || [ ! -e "$work" ] || fail "the demo left $work behind"
grep -q 'demo: stopping' "$log" || fail "the demo did not say it was stopping"
rm -f "$log"
echo "test-demo: ok ($(( $(date +%s) - start )) s)"
