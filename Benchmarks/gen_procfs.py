#!/usr/bin/env python3
"""Writes a synthetic procfs tree in the exact formats of the kernel's ip_vs_ctl.c / ip_vs_conn.c.

Usage: gen_procfs.py DIR SERVICES BACKENDS [CONNECTIONS]

Services are TCP on 10.x.y.z:80 (every tenth one persistent, every 50th an IPv6 one, every 100th
a firewall mark); each has BACKENDS real servers. CONNECTIONS entries (default 0) are spread over
the real servers with realistic states, written to net/ip_vs_conn.
"""
import os
import sys


def v4(n):
    return "%08X" % n


def v6full(high, low):
    groups = [(high >> s) & 0xFFFF for s in (48, 32, 16, 0)] + [(low >> s) & 0xFFFF for s in (48, 32, 16, 0)]
    return ":".join("%04x" % g for g in groups)


def main():
    root, services, backends = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    connections = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    net = os.path.join(root, "net")
    os.makedirs(net, exist_ok=True)
    os.makedirs(os.path.join(root, "sys", "net", "ipv4", "vs"), exist_ok=True)
    dests = []  # (proto, vaddr text for conn, vport, daddr text, dport)
    with open(os.path.join(net, "ip_vs"), "w") as f:
        f.write("IP Virtual Server version 1.2.1 (size=4096)\n")
        f.write("Prot LocalAddress:Port Scheduler Flags\n")
        f.write("  -> RemoteAddress:Port Forward Weight ActiveConn InActConn\n")
        for s in range(services):
            vip = 0x0A000000 + s + 1
            if s % 100 == 99:
                f.write("FWM  %08X wlc \n" % (s + 1))
                vconn = v4(vip)
            elif s % 50 == 49:
                f.write("TCP  [%s]:0050 rr \n" % v6full(0x20010DB800000000, s + 1))
                vconn = v6full(0x20010DB800000000, s + 1)
            elif s % 10 == 9:
                f.write("TCP  %s:0050 wlc  persistent 75000 FFFFFF00\n" % v4(vip))
                vconn = v4(vip)
            else:
                f.write("TCP  %s:0050 wlc  \n" % v4(vip))
                vconn = v4(vip)
            for b in range(backends):
                if s % 50 == 49 and s % 100 != 99:
                    addr = "[%s]" % v6full(0xFD00001600000000, (s << 8) + b + 1)
                    dconn = addr[1:-1]
                else:
                    rip = 0xAC100000 + ((s * backends + b) % 0xFFFFF) + 1
                    addr = v4(rip)
                    dconn = addr
                f.write("  -> %s:1F90      Masq    %-6d %-10d %-10d\n" % (addr, 1 + b % 3, (s + b) % 7, (s * b) % 97))
                dests.append((vconn, dconn))
    with open(os.path.join(net, "ip_vs_stats"), "w") as f:
        f.write("   Total Incoming Outgoing         Incoming         Outgoing\n")
        f.write("   Conns  Packets  Packets            Bytes            Bytes\n")
        f.write("%8X %8X %8X %16X %16X\n" % (123456, 9876543, 8765432, 123456789012, 98765432109))
        f.write("\n")
        f.write(" Conns/s   Pkts/s   Pkts/s          Bytes/s          Bytes/s\n")
        f.write("%8X %8X %8X %16X %16X\n" % (12, 345, 234, 45678, 34567))
    states = ["ESTABLISHED", "TIME_WAIT", "TIME_WAIT", "FIN_WAIT", "SYN_RECV", "CLOSE_WAIT"]
    with open(os.path.join(net, "ip_vs_conn"), "w") as f:
        f.write("Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n")
        lines = []
        for i in range(connections):
            vconn, dconn = dests[i % len(dests)]
            if ":" in vconn:
                client = v6full(0xFD00002000000000, i + 2)
            else:
                client = v4(0xC0A80000 + (i % 0xFFFF) + 2)
            state = states[i % len(states)]
            lines.append("TCP %s %04X %s 0050 %s 1F90 %-11s %7d\n" % (client, 1024 + i % 60000, vconn, dconn, state, i % 900))
            if len(lines) >= 10000:
                f.writelines(lines)
                lines = []
        f.writelines(lines)
    for name, value in [("am_droprate", "10"), ("conntrack", "0"), ("sync_threshold", "3\t50"), ("expire_nodest_conn", "0")]:
        with open(os.path.join(root, "sys", "net", "ipv4", "vs", name), "w") as f:
            f.write(value + "\n")


if __name__ == "__main__":
    main()
