# Connection synchronisation: the director runs the master daemon towards a backup director
# (namespace bk) running the backup daemon; both have the same service. Each side is captured
# with its own exporters.
. /test/lib.sh
setup_topology
start_http 8080
add_vip 10.0.0.113/32
ip netns add bk
ip link add d-bk type veth peer name eth0 netns bk
ip addr add 192.168.30.1/24 dev d-bk
ip link set d-bk up
in_ns bk ip link set lo up
in_ns bk ip addr add 192.168.30.2/24 dev eth0
in_ns bk ip link set eth0 up
for prefix in "" "ip netns exec bk"; do
    $prefix ipvsadm -A -t 10.0.0.113:80 -s rr
    $prefix ipvsadm -a -t 10.0.0.113:80 -r 172.16.1.11:8080 -m -w 1
    $prefix ipvsadm -a -t 10.0.0.113:80 -r 172.16.2.11:8080 -m -w 1
done
ipvsadm --start-daemon master --mcast-interface d-bk --syncid 7
in_ns bk ipvsadm --start-daemon backup --mcast-interface eth0 --syncid 7
start_exporters
start_exporters bk
expect_answers 20 http://10.0.0.113/
hold_connection 10.0.0.113 80
settle
in_ns bk ipvsadm -L -n -c >> "$OUT/backup-connections.txt"
capture master
capture backup bk
finish
