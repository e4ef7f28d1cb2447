# Firewall-mark services: iptables marks 80+443 to 10.0.0.104 with 1, ip6tables marks 80+443 to
# fd00:100::104 with 2; both services are persistent per mark (ports are not translated).
. /test/lib.sh
setup_topology
start_http 80 443
add_vip 10.0.0.104/32
add_vip fd00:100::104/128
iptables -t mangle -A PREROUTING -d 10.0.0.104/32 -p tcp -m multiport --dports 80,443 -j MARK --set-mark 1
ip6tables -t mangle -A PREROUTING -d fd00:100::104/128 -p tcp -m multiport --dports 80,443 -j MARK --set-mark 2
ipvsadm -A -f 1 -s rr -p 120
ipvsadm -a -f 1 -r 172.16.1.11:0 -m -w 1
ipvsadm -a -f 1 -r 172.16.2.11:0 -m -w 1
ipvsadm -A -f 2 -6 -s rr -p 120 -M 64
ipvsadm -a -f 2 -6 -r [fd00:16:1::11]:0 -m -w 1
ipvsadm -a -f 2 -6 -r [fd00:16:2::11]:0 -m -w 1
start_exporters
expect_answers 10 http://10.0.0.104/
expect_answers 10 http://10.0.0.104:443/
expect_answers 10 "http://[fd00:100::104]/"
expect_answers 10 "http://[fd00:100::104]:443/"
iptables-save > "$OUT/iptables-save.txt"
ip6tables-save > "$OUT/ip6tables-save.txt"
settle
capture main
finish
