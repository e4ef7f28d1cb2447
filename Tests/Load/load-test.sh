#!/bin/bash
# The exporter under abuse, as on an exposed director: 500 slowloris connections that never
# finish a request, plus wrk with 500 connections, while one well-behaved client scrapes twice a
# second. Two rounds: wrk on the landing page (connection and request pressure), then wrk on
# /metrics itself (more scrapes than --web.max-requests allows).
#
#   Tests/Load/load-test.sh [EXPORTER] [SECONDS]     (make test-load: the installed static binary)
#
# Passes when every scrape of the well-behaved client succeeds in both rounds (in round 2 it
# waits in line for one of the --web.max-requests slots; wrk's excess gets 503), the exporter
# never dies, its RSS stays under 256 MiB, and afterwards it serves as before. Then, against a
# 5,000 x 20 director with basic auth: 2 and then 40 clients that never read, one that reads a
# byte a second, 40 half-closed sockets and 300 wrong passwords in flight, each while a verified
# client scrapes twice a second: every one of its scrapes answers 200 within 5 s, and RSS stays
# under 150 MiB. Prints figures.
set -euo pipefail
cd "$(dirname "$0")/../.."
exporter=${1:-.build-static/release/ipvs_exporter}
seconds=${2:-20}
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$exporter" --web.listen-address "127.0.0.1:$port" --path.procfs Tests/Fixtures/kernel-6.1-lab/proc \
    --ipvs.source procfs --web.max-requests 40 --log.level warn 2> "$work/exporter.log" &
exporter_pid=$!
pids+=("$exporter_pid")
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
failures=0
check() { if ! eval "$2"; then echo "load-test: FAIL: $1" >&2; failures=$((failures + 1)); fi; }

round() {  # round NAME PATH
    local name=$1 path=$2 peak=0 rss
    python3 Tests/Load/slowloris.py 127.0.0.1 "$port" 500 "$seconds" > "$work/slowloris-$name.txt" &
    local slow=$!
    sleep 1
    wrk -t2 -c500 -d"${seconds}s" --timeout 15s "http://127.0.0.1:$port$path" > "$work/wrk-$name.txt" 2>&1 &
    local flood=$!
    : > "$work/good-$name.txt"
    local end=$((SECONDS + seconds - 2))
    while [ $SECONDS -lt $end ]; do
        curl -s -o /dev/null -w '%{http_code} %{time_total} %{time_connect}\n' --max-time 10 "http://127.0.0.1:$port/metrics" >> "$work/good-$name.txt" || echo "000 10" >> "$work/good-$name.txt"
        rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$exporter_pid/status" 2>/dev/null || echo 0)
        [ "$rss" -gt "$peak" ] && peak=$rss
        sleep 0.5
    done
    wait "$flood" || true
    wait "$slow" || true
    local total ok limited slowest requests non2xx
    total=$(wc -l < "$work/good-$name.txt")
    ok=$(grep -c '^200 ' "$work/good-$name.txt" || true)
    limited=$(grep -c '^503 ' "$work/good-$name.txt" || true)
    slowest=$(sort -k2 -n "$work/good-$name.txt" | tail -1 | cut -d' ' -f2)
    requests=$(awk '/requests in/ {print $1}' "$work/wrk-$name.txt")
    non2xx=$(awk '/Non-2xx/ {print $NF}' "$work/wrk-$name.txt")
    printf '%-9s wrk %s: %s requests (%s/s), non-2xx %s | %s | good client: %s scrapes, %s answered 200, %s answered 503, slowest %s s | peak RSS %d MiB\n' \
        "$name" "$path" "${requests:-0}" "$(awk '/Requests\/sec/ {print $2}' "$work/wrk-$name.txt")" "${non2xx:-0}" \
        "$(cat "$work/slowloris-$name.txt")" "$total" "$ok" "$limited" "$slowest" $((peak / 1024))
    check "$name: the exporter died" "kill -0 $exporter_pid"
    check "$name: peak RSS $((peak / 1024)) MiB over 256 MiB" "[ $peak -lt $((256 * 1024)) ]"
    check "$name: the well-behaved client made too few scrapes ($total)" "[ $total -ge 3 ]"
    check "$name: $((total - ok)) of $total good scrapes failed" "[ $ok = $total ]"
    check "$name: slowloris connections were never cut (no read deadline?)" "! grep -q ', 0 cut' $work/slowloris-$name.txt"
}

echo "load-test: $exporter, ${seconds}s per round, 500 slowloris + wrk -c500, one client scraping every 0.5 s"
round landing /
round metrics /metrics
# Afterwards: serves as before, and a request head over the parser's 80 KiB limit is refused.
check "after the rounds: /metrics does not answer 200" "[ \"\$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$port/metrics)\" = 200 ]"
big=$(head -c 90000 /dev/zero | tr '\0' a)
check "an 88 KiB header was not refused with 400" "[ \"\$(curl -s -o /dev/null -w '%{http_code}' -H 'X-Big: $big' http://127.0.0.1:$port/metrics)\" = 400 ]"
grep -E 'level=(error|critical)' "$work/exporter.log" && check "the exporter logged errors" false

# Part two: clients that take the response badly, against a 5,000 x 20 director (a 64 MB
# exposition) with basic auth on, while a client whose password was verified scrapes twice a
# second the way Prometheus does (gzip). Each of its scrapes must answer 200 within 5 s, and the
# exporter's peak RSS stay under 150 MiB: stalled responses hold no thread and no slot, share
# one collection, and password checks run apart from scrapes.
python3 Benchmarks/gen_procfs.py "$work/tree" 5000 20 > /dev/null
# bcrypt of "secret" (cost 10), made by libcrypt.
printf 'basic_auth_users:\n  prometheus: %s\n' '$2b$10$YvkyHv6SFwbLy6uR9bUcruTQdRlyksPy/XGwP3fwk5SJhVc1mTzRq' > "$work/web.yml"
big_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$exporter" --web.listen-address "127.0.0.1:$big_port" --path.procfs "$work/tree" --ipvs.source procfs \
    --web.config.file "$work/web.yml" --log.level warn 2> "$work/exporter-big.log" &
big_pid=$!
pids+=("$big_pid")
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$big_port/" && break; sleep 0.1; done
abuse_seconds=$(( seconds < 12 ? 12 : seconds ))

abuse() {  # abuse NAME MODE [N]
    local name=$1 peak=0 rss
    python3 Tests/Load/abuse.py 127.0.0.1 "$big_port" "$abuse_seconds" "${@:2}" > "$work/abuse-$name.txt" 2>&1 &
    local bad=$!
    sleep 1
    : > "$work/good-$name.txt"
    local end=$((SECONDS + abuse_seconds - 2))
    while [ $SECONDS -lt $end ]; do
        curl -s -o /dev/null --compressed -u prometheus:secret -w '%{http_code} %{time_total}\n' --max-time 10 \
            "http://127.0.0.1:$big_port/metrics" >> "$work/good-$name.txt" || echo "000 10" >> "$work/good-$name.txt"
        rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$big_pid/status" 2>/dev/null || echo 0)
        [ "$rss" -gt "$peak" ] && peak=$rss
        sleep 0.5
    done
    wait "$bad" || true
    local total ok slowest late
    total=$(wc -l < "$work/good-$name.txt")
    ok=$(grep -c '^200 ' "$work/good-$name.txt" || true)
    slowest=$(sort -k2 -n "$work/good-$name.txt" | tail -1 | cut -d' ' -f2)
    late=$(awk '$2 >= 5' "$work/good-$name.txt" | wc -l)
    printf '%-15s %s | good client: %s scrapes, %s answered 200, slowest %s s | peak RSS %d MiB\n' \
        "$name" "$(tail -1 "$work/abuse-$name.txt")" "$total" "$ok" "$slowest" $((peak / 1024))
    check "$name: the exporter died" "kill -0 $big_pid"
    check "$name: peak RSS $((peak / 1024)) MiB over 150 MiB" "[ $peak -lt $((150 * 1024)) ]"
    check "$name: the verified client made too few scrapes ($total)" "[ $total -ge 3 ]"
    check "$name: $((total - ok)) of $total verified scrapes did not answer 200" "[ $ok = $total ]"
    check "$name: $late of $total verified scrapes took 5 s or more" "[ $late = 0 ]"
}

# Verify the password once, as Prometheus' first scrape does.
curl -s -o /dev/null --compressed -u prometheus:secret "http://127.0.0.1:$big_port/metrics"
echo "load-test: 5,000 x 20 procfs tree, basic auth, ${abuse_seconds}s per case, a verified client scraping every 0.5 s"
abuse stall-2 stall 2
abuse stall-40 stall 40
abuse trickle trickle
abuse half-closed half-closed 40
abuse wrong-password wrong-password 300
grep -E 'level=(error|critical)' "$work/exporter-big.log" && check "the 5,000 x 20 exporter logged errors" false
[ $failures = 0 ] || exit 1
echo "load-test: ok"
