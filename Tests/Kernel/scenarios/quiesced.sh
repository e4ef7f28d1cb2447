# A quiesced real server (weight 0) next to a live one: new connections avoid it; connections
# and persistence templates it already had stay until they expire.
. /test/lib.sh
setup_topology
start_http 8080
add_vip 10.0.0.110/32
ipvsadm -A -t 10.0.0.110:80 -s wlc -p 60
ipvsadm -a -t 10.0.0.110:80 -r 172.16.1.11:8080 -m -w 1
ipvsadm -a -t 10.0.0.110:80 -r 172.16.2.11:8080 -m -w 1
start_exporters
expect_answers 5 http://10.0.0.110/
first=$(grep -o 'rs[12]' "$OUT/traffic.txt" | head -1)
# Quiesce the server that took the traffic; the persistence template keeps pointing at it.
if [ "$first" = rs1 ]; then address=172.16.1.11; else address=172.16.2.11; fi
ipvsadm -e -t 10.0.0.110:80 -r "$address:8080" -m -w 0
expect_answers 5 http://10.0.0.110/
settle
capture main
finish
