# lab-output: lint/sysctls-present.txt
# What `lint --live` knows of the running kernel, with the kernel itself as the oracle: which
# IPVS sysctls it has (LVS120 for one it lacks, LVS118 for est_nice out of range where it
# exists, checked against the kernel's own refusal), and which schedulers its modules provide
# (LVS101 for a twos service where there is no ip_vs_twos).
. /test/lib.sh
modprobe ip_vs
dir=$OUT/lint
mkdir -p "$dir"
ls /proc/sys/net/ipv4/vs > "$dir/sysctls-present.txt"
# The kernel's own verdict on est_nice = 25, where it has the key: 0 accepted, else refused.
if [ -e /proc/sys/net/ipv4/vs/est_nice ]; then
    if echo 25 > /proc/sys/net/ipv4/vs/est_nice 2> /dev/null; then echo 0; else echo 1; fi > "$dir/est-nice-25.status"
fi
cat > /tmp/sysctl.conf <<SYSCTL
net.ipv4.ip_forward = 1
net.ipv4.vs.run_estimation = 0
net.ipv4.vs.est_cpulist = 0
net.ipv4.vs.est_nice = 25
SYSCTL
ipvs_exporter lint --live --no-config --format concise --sysctl /tmp/sysctl.conf \
    > "$dir/lint-sysctls.txt" 2> "$dir/lint-sysctls.stderr"
printf -- '-A -t 10.0.2.1:80 -s twos\n-a -t 10.0.2.1:80 -r 172.16.1.11:80 -m -w 1\n' > /tmp/twos.rules
ipvs_exporter lint --live --no-config --format concise --ipvsadm /tmp/twos.rules \
    > "$dir/lint-twos.txt" 2> "$dir/lint-twos.stderr"
finish
