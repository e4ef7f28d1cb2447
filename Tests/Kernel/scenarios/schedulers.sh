# One service per scheduler the kernel has, each with traffic. The ones it lacks are listed in
# /out/schedulers-lacking.txt, which the lab tests compare with KernelDifferences (6.1 and 5.10
# have no twos).
. /test/lib.sh
setup_topology
start_http 8080
add_vip 10.0.1.1/32
port=1000
: > "$OUT/schedulers-lacking.txt"
for scheduler in rr wrr lc wlc lblc lblcr dh sh sed nq fo ovf mh twos; do
    modprobe "ip_vs_$scheduler" 2>/dev/null || { echo "$scheduler" >> "$OUT/schedulers-lacking.txt"; continue; }
    port=$((port + 1))
    ipvsadm -A -t "10.0.1.1:$port" -s "$scheduler"
    ipvsadm -a -t "10.0.1.1:$port" -r 172.16.1.11:8080 -m -w 2
    ipvsadm -a -t "10.0.1.1:$port" -r 172.16.2.11:8080 -m -w 1
done
start_exporters
for p in $(seq 1001 "$port"); do
    expect_answers 3 "http://10.0.1.1:$p/"
done
settle
capture main
finish
