# SIP persistence (--pe sip) on a UDP service: the persistence engine keys connections by the
# Call-ID header, so every message of one call reaches one real server whatever its source port.
# Each message is sent from a new source port; the real servers' logs show where each call went.
. /test/lib.sh
setup_topology
start_udp_sink 5060
add_vip 10.0.0.120/32
modprobe ip_vs_pe_sip
ipvsadm -A -u 10.0.0.120:5060 -s rr -p 300 --pe sip
ipvsadm -a -u 10.0.0.120:5060 -r 172.16.1.11:5060 -m -w 1
ipvsadm -a -u 10.0.0.120:5060 -r 172.16.2.11:5060 -m -w 1
start_exporters
for message in 1 2 3 4; do
    for call in a b c d; do
        printf 'OPTIONS sip:lb@10.0.0.120 SIP/2.0\r\nVia: SIP/2.0/UDP 192.168.20.2\r\nCall-ID: call-%s@cl\r\nCSeq: %s OPTIONS\r\n\r\n' \
            "$call" "$message" | in_ns cl nc.openbsd -u -w1 -q0 10.0.0.120 5060 2>/dev/null
    done
done
sleep 1
for call in a b c d; do
    where=""
    for ns in rs1 rs2; do
        count=$(grep -c "Call-ID: call-$call@cl" "/tmp/udp-$ns-5060" 2>/dev/null)
        [ "${count:-0}" -gt 0 ] && where="$where $ns:$count"
    done
    echo "sip call-$call:$where" >> "$OUT/traffic.txt"
    case "$where" in
        " rs1:4" | " rs2:4") ;;
        *) fail "call-$call was not kept on one real server:$where" ;;
    esac
done
grep -q "rs1" "$OUT/traffic.txt" && grep -q "rs2" "$OUT/traffic.txt" || fail "every call went to one real server"
settle
capture main
finish
