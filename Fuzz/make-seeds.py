#!/usr/bin/env python3
"""Writes Fuzz/corpus/<target>/ from the project's real captures and fixtures: the seeds
libFuzzer starts from. Rerun after adding captures; the output is committed.

    Fuzz/make-seeds.py
"""
import glob
import hashlib
import os
import struct

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CAPTURES = "Tests/Fixtures/kernel-6.1-lab"
OUT = os.path.join(ROOT, "Fuzz/corpus")


def read(path):
    with open(os.path.join(ROOT, path), "rb") as f:
        return f.read()


def add(target, data):
    directory = os.path.join(OUT, target)
    os.makedirs(directory, exist_ok=True)
    # Content-named, like libFuzzer's own corpus files; big inputs are cut to keep seeds small.
    data = data[:64 << 10]
    with open(os.path.join(directory, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


def messages(reply):
    """Payloads of the data messages of a recorded netlink reply stream (generic header included)."""
    offset = 0
    while offset + 16 <= len(reply):
        length, kind = struct.unpack_from("=IH", reply, offset)
        if length < 16:
            break
        if kind > 3:  # not NOOP / ERROR / DONE
            yield reply[offset + 16:offset + length]
        offset += (length + 3) & ~3


def main():
    # Only adds: the corpus is the campaign's, grown by every run (Fuzz/README.md).
    proc = CAPTURES + "/proc"
    add("proc-ip_vs", read(proc + "/net/ip_vs"))
    add("proc-ip_vs_stats", read(proc + "/net/ip_vs_stats"))
    add("proc-ip_vs_stats_percpu", read(proc + "/net/ip_vs_stats_percpu"))
    add("proc-ip_vs_conn", read(proc + "/net/ip_vs_conn"))
    for index, path in enumerate(sorted(glob.glob(os.path.join(ROOT, proc, "sys/net/ipv4/vs/*")))):
        name = os.path.basename(path)
        selector = {"am_droprate": 0, "sync_threshold": 1, "est_cpulist": 2, "conntrack": 3}.get(name, 4)
        add("proc-sysctl", bytes([selector]) + open(path, "rb").read())

    for capture in sorted(glob.glob(os.path.join(ROOT, "Tests/Fixtures/lab/netlink/*"))):
        for name, selector in (("services.bin", 1), ("dests-0.bin", 2), ("info.bin", 3), ("config.bin", 4), ("daemons.bin", 5)):
            path = os.path.join(capture, name)
            if not os.path.exists(path):
                continue
            reply = open(path, "rb").read()
            add("netlink", bytes([0]) + reply)
            for payload in list(messages(reply))[:2]:
                add("netlink", bytes([selector]) + payload)

    for path in ("captures/ipvsadm-S-n.txt", "captures/ipvsadm-S.txt"):
        add("ipvsadm-save", read(CAPTURES + "/" + path))
    for path in glob.glob(os.path.join(ROOT, "Tests/Fixtures/lab/lint-inputs/*/ipvsadm-save-n.txt")):
        add("ipvsadm-save", open(path, "rb").read())
    for path in glob.glob(os.path.join(ROOT, "Tests/Fixtures/lint/services/*")):
        add("ipvsadm-save", open(path, "rb").read())
    for name in ("iptables-save.txt", "iptables-legacy-save.txt", "ip6tables-save.txt"):
        add("iptables-save", read(CAPTURES + "/captures/" + name))
    for path in glob.glob(os.path.join(ROOT, "Tests/Fixtures/lab/lint-inputs/broken-fwmark-no-mark-rule/*tables-save.txt")):
        add("iptables-save", open(path, "rb").read())
    for path in glob.glob(os.path.join(ROOT, "Tests/Fixtures/lab/lint-inputs/correct/sysctl-a-*.txt")):
        add("sysctl", open(path, "rb").read())
    add("sysctl", b"# ipvs-lint: disable=LVS601 -- reason\nnet.ipv4.ip_forward = 1\nnet.ipv4.conf.eth0/100.arp_ignore=1\n")
    for path in glob.glob(os.path.join(ROOT, CAPTURES, "captures/ipvsadm-L-timeout*.txt")):
        add("timeouts", open(path, "rb").read())
    for path in sorted(glob.glob(os.path.join(ROOT, "Tests/Fixtures/lint/keepalived/**/*.conf"), recursive=True)):
        add("keepalived", open(path, "rb").read())
    add("lint-config", b"""failure-threshold: warning
rules:
  LVS206: off
  dr-tun-port-mismatch: warning
ignore:
  - rule: LVS207
    object: svc=tcp/10.0.0.1:80
    reason: drained
real-servers:
  - match: 192.168.10.0/24
    sysctl: sysctl/web.conf
facts:
  schedulers: [rr, wrr]
  kernel: "5.4"
  health-checker: keepalived
  vrrp-role: master
""")
    add("web-config", b"""tls_server_config:
  cert_file: server.crt
  key_file: server.key
  client_auth_type: RequireAndVerifyClientCert
  client_ca_file: ca.crt
  min_version: TLS12
  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]
http_server_config:
  http2: false
  headers:
    Strict-Transport-Security: max-age=31536000
basic_auth_users:
  prometheus: $2y$10$mDwo.lAisC94iLAyP81MCesa29IzH37oigHC/42V2pdJlUprsJPze
""")
    for path in sorted(glob.glob(os.path.join(ROOT, "Tests/Fixtures/corpus/nftables/*.json"))) + [
        os.path.join(ROOT, "Tests/Fixtures/lint/nftables/director.json")
    ]:
        add("nftables-json", read(os.path.relpath(path, ROOT)))
    for path in sorted(glob.glob(os.path.join(ROOT, "Tests/Fixtures/corpus/nftables/*.nft"))) + [
        os.path.join(ROOT, "Tests/Fixtures/lint/nftables/director.nft")
    ]:
        add("nftables-text", read(os.path.relpath(path, ROOT)))
    add("baseline", b"# ipvs_exporter lint baseline\nLVS206\tsvc=tcp/192.0.2.10:80\tTCP 192.0.2.10:80 has no real servers\n")
    for target in sorted(os.listdir(OUT)):
        print(f"{target}: {len(os.listdir(os.path.join(OUT, target)))} seeds")


if __name__ == "__main__":
    main()
