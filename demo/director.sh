# The demo director, run inside the kernel lab's VM by demo/run.sh: three services of the kinds
# operators run, real traffic through them, the exporter on the guest's port 9911 and a control
# port on 9922 (demo/control.sh), until the host stops the VM.
#
#   10.0.0.100:80   NAT, round robin, to port 8080 on both real servers
#   10.0.0.101:80   direct routing, weighted least-connection, persistent for 300 s
#   fwmark 1        10.0.0.104 ports 80 and 443 marked by iptables, persistent for 120 s, NAT
. /test/lib.sh
setup_topology
start_http 80 443 8080

add_vip 10.0.0.100/32
ipvsadm -A -t 10.0.0.100:80 -s rr
ipvsadm -a -t 10.0.0.100:80 -r 172.16.1.11:8080 -m -w 1
ipvsadm -a -t 10.0.0.100:80 -r 172.16.2.11:8080 -m -w 1

add_vip 10.0.0.101/32
dr_real_servers 10.0.0.101
ipvsadm -A -t 10.0.0.101:80 -s wlc -p 300
ipvsadm -a -t 10.0.0.101:80 -r 172.16.1.11:80 -g -w 1
ipvsadm -a -t 10.0.0.101:80 -r 172.16.2.11:80 -g -w 1

add_vip 10.0.0.104/32
iptables -t mangle -A PREROUTING -d 10.0.0.104/32 -p tcp -m multiport --dports 80,443 -j MARK --set-mark 1
ipvsadm -A -f 1 -s rr -p 120
ipvsadm -a -f 1 -r 172.16.1.11:0 -m -w 1
ipvsadm -a -f 1 -r 172.16.2.11:0 -m -w 1

# The host reaches the guest through QEMU's user network (vm.sh --forward).
modprobe virtio_net
ip link set eth0 up
ip addr add 10.0.2.15/24 dev eth0
ipvs_exporter --web.listen-address 0.0.0.0:9911 > /tmp/exporter.log 2>&1 &
socat TCP-LISTEN:9922,reuseaddr,fork SYSTEM:"sh /test/control.sh" > /tmp/control.log 2>&1 &

# A client that keeps coming back: a request to every service about once a second, and one
# connection held open to the NAT service so there is always an active connection to see.
(
    while :; do
        for url in http://10.0.0.100/ http://10.0.0.101/ http://10.0.0.104/ http://10.0.0.104:443/; do
            in_ns cl timeout 5 wget -q -O /dev/null "$url" 2>/dev/null
        done
        sleep 1
    done
) &
(
    while :; do
        # busybox httpd closes an idle connection after a minute; nc ends with it.
        in_ns cl nc.openbsd -d 10.0.0.100 80 > /dev/null 2>&1
        sleep 1
    done
) &
log "demo director ready: $(ipvsadm -Ln | grep -c '^[TUF]') services"
while :; do sleep 3600; done
