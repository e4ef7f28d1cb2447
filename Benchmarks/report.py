#!/usr/bin/env python3
"""Turns Benchmarks/run.sh's raw measurements into BENCHMARKS.md: machine, versions, the command,
and one table per benchmark with the ratio to the reference measured in the same run."""
import argparse
import json
import os
import platform
import re
import statistics
import subprocess


def sh(command):
    try:
        return subprocess.run(command, shell=True, capture_output=True, text=True, timeout=30).stdout.strip()
    except Exception:
        return "?"


def median(values):
    # A round wrk could not report (its latency line unreadable) is left out, not averaged in.
    values = [v for v in values if v == v]
    return statistics.median(values) if values else float("nan")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--results")
    parser.add_argument("--conn")
    parser.add_argument("--lint")
    parser.add_argument("--netlink")
    parser.add_argument("--conn-growth")
    parser.add_argument("--replay")
    args = parser.parse_args()

    rows = [line.rstrip("\n").split("\t") for line in open(args.results) if line.strip()]
    out = []
    w = out.append
    cpu = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip()
    memory = sh("awk '/MemTotal/ {printf \"%.0f\", $2 / 1048576}' /proc/meminfo")
    wrk = sh("wrk --version 2>&1 | head -1 | cut -d' ' -f1-2")
    w("# Benchmarks")
    w("")
    w("Written by `make bench` (`Benchmarks/run.sh`); reproduce with `make bench`. Every ratio compares two")
    w("programs measured in the same run, alternating, on the same input: this machine is shared and")
    w("noisy, so absolute times move between runs while ratios hold.")
    w("")
    w(f"- Machine: {cpu}, {os.cpu_count()} cores, {memory} GiB, Linux {platform.release()}")
    w(f"- ipvs_exporter: {sh('.build-static/release/ipvs_exporter --version')} (the static binary `make install` installs),"
      f" {sh('swift --version 2>&1 | head -1')}")
    w(f"- node_exporter: {sh('prometheus-node-exporter --version 2>&1 | head -1')}")
    w(f"- Tools: {wrk}, {sh('hyperfine --version')}")
    w("")

    # Scrapes.
    scrape = [r for r in rows if r[0] == "scrape"]
    rss = {(r[1], r[2]): (int(r[3]), int(r[4])) for r in rows if r[0] == "rss"}
    sizes = []
    for r in scrape:
        if r[1] not in sizes:
            sizes.append(r[1])
    w("## Scrapes on generated /proc trees, beside node_exporter")
    w("")
    w("`Benchmarks/gen_procfs.py` writes /proc/net/ip_vs and ip_vs_stats for SERVICES × REAL SERVERS")
    w("(the kernel's exact format). Both exporters read the same tree: ours with")
    w("`--path.procfs TREE --ipvs.source procfs`, Debian's `prometheus-node-exporter` with")
    w("`--path.procfs=TREE --collector.disable-defaults --collector.ipvs`. `wrk -t1 -c1 -d10s --latency`,")
    w("twice each, alternating; medians of the two rounds. CPU per scrape is the process's")
    w("user+system time over the run divided by the requests served. Peak RSS is VmHWM after all runs.")
    w("")
    w("| size | encoding | exporter | p50 ms | p99 ms | scrapes/s | CPU ms/scrape | node_exporter p50 ÷ ours |")
    w("|---|---|---|---:|---:|---:|---:|---:|")
    verdicts = []
    # What stands in the way of a missed target, worked out from this run's own figures.
    measured_floors = {}
    for size in sizes:
        for encoding in ("plain", "gzip"):
            values = {}
            for exporter in ("ipvs_exporter", "node_exporter"):
                sel = [r for r in scrape if r[1] == size and r[2] == encoding and r[4] == exporter]
                values[exporter] = [median([float(r[i]) for r in sel]) for i in (5, 6, 7, 8)]
            ratio = values["node_exporter"][0] / values["ipvs_exporter"][0] if values["ipvs_exporter"][0] else float("nan")
            for exporter in ("ipvs_exporter", "node_exporter"):
                p50, p99, rps, cpums = values[exporter]
                w(f"| {size} | {encoding} | {exporter} | {p50:.2f} | {p99:.2f} | {rps:.1f} | {cpums:.2f} | "
                  + (f"**{ratio:.1f}×**" if exporter == "ipvs_exporter" else "") + " |")
            if size == "1000x10":
                target = 10 if encoding == "plain" else 5
                verdicts.append((f"procfs scrape at 1,000×10 ({encoding}) ≥ {target}× faster than node_exporter",
                                 f"{ratio:.1f}×", ratio >= target))
    w("")
    w("Peak RSS: the static binary (installed by `make install`, measured above) and the dynamic build")
    w("`make run` starts (one round of each encoding on the same tree), which maps the Swift runtime")
    w("and Foundation as shared libraries.")
    w("")
    w("| size | ipvs_exporter peak RSS | node_exporter peak RSS | ratio | dynamic build peak RSS (ratio) | exposition bytes (ours / node_exporter) |")
    w("|---|---:|---:|---:|---:|---|")
    for size in sizes:
        ours, ours_bytes = rss.get((size, "ipvs_exporter"), (0, 0))
        theirs, theirs_bytes = rss.get((size, "node_exporter"), (0, 0))
        dynamic, _ = rss.get((size, "ipvs_exporter-dynamic"), (0, 0))
        ratio = ours / theirs if theirs else float("nan")
        dynamic_ratio = dynamic / theirs if theirs else float("nan")
        w(f"| {size} | {ours / 1024:.1f} MiB | {theirs / 1024:.1f} MiB | {ratio:.2f} | {dynamic / 1024:.1f} MiB ({dynamic_ratio:.2f}) "
          f"| {ours_bytes:,} / {theirs_bytes:,} |")
        if size == "1000x10":
            verdicts.append(("peak RSS ≤ ⅓ of node_exporter's at 1,000×10 (static binary)", f"{ratio:.2f} (dynamic build {dynamic_ratio:.2f})", ratio <= 1 / 3))
    w("")
    w("Our exposition is larger: it carries what node_exporter's ipvs collector leaves out")
    w("(service info, forwarding method, timeouts, per-collector health); the comparison is still")
    w("per scrape of the same kernel state.")
    w("")

    # Connection table.
    conn = json.load(open(args.conn))["results"]
    conn_rss = next((r for r in rows if r[0] == "conn-rss"), None)
    w("## The connection table")
    w("")
    lines = int(conn_rss[2]) if conn_rss else 0
    size = int(conn_rss[3]) if conn_rss else 0
    w(f"/proc/net/ip_vs_conn of {lines - 1:,} entries ({size / 1e6:.0f} MB), aggregated per real server and state,")
    w("beside `wc -l` on the same file (hyperfine, same run). The scrape is the exporter with only")
    w("the connections collector and no limit: the aggregation (parse, validate, count per real")
    w("server and state) as a running exporter does it, plus HTTP and the exposition.")
    w("`ipvs-bench conntrack` is the aggregation alone in a fresh process, which also pays for first")
    w("touching every page it allocates (in this VM, a fresh page costs far more than a reused one).")
    w("")
    w("| command | median ms | ÷ wc -l |")
    w("|---|---:|---:|")
    base = conn[0]["median"]
    for result in conn:
        name = re.sub(r"/tmp/\S+/", "…/", result["command"])
        w(f"| `{name}` | {result['median'] * 1000:.1f} | {result['median'] / base:.2f}× |")
    scrape_ratio = conn[1]["median"] / base
    aggregation_ratio = conn[2]["median"] / base
    verdicts.append(("1M-entry connection table, aggregation ≤ 3× `wc -l` (the exporter's scrape)", f"{scrape_ratio:.2f}× (fresh process {aggregation_ratio:.2f}×)", scrape_ratio <= 3))
    if conn_rss:
        w("")
        w(f"Peak RSS of that exporter: {int(conn_rss[1]) / 1024:.1f} MiB (the file is streamed, never loaded whole).")
    w("")

    # Lint.
    lint = json.load(open(args.lint))["results"]
    lint_sizes = [r for r in rows if r[0] == "lint-size"]
    w("## lint at growing size")
    w("")
    w("`ipvs-bench lint-inputs` writes an ipvsadm-save of SERVICES × 10 real servers and an")
    w("iptables-save of SERVICES × 5 rules; `ipvs_exporter lint --ipvsadm … --iptables … --format concise`.")
    w("")
    w("| services | input lines | median ms | ms per 1,000 lines |")
    w("|---:|---:|---:|---:|")
    for (row, result) in zip(lint_sizes, lint):
        lines = int(row[2])
        w(f"| {int(row[1]):,} | {lines:,} | {result['median'] * 1000:.1f} | {result['median'] * 1e6 / lines:.2f} |")
    if lint_sizes:
        biggest = lint[-1]["median"]
        verdicts.append((f"lint of {int(lint_sizes[-1][2]):,} lines < 1 s", f"{biggest:.3f} s", biggest < 1))
    w("")

    # Netlink in the VM.
    if args.netlink and os.path.exists(args.netlink):
        text = open(args.netlink).read()
        w("## netlink scrape in the kernel lab (1,000 services × 10 real servers)")
        w("")
        w("`Benchmarks/kernel/netlink-scale.sh` in the QEMU lab (TCG, one virtual CPU shared by client and")
        w("server): a netlink-mode scrape fetched with wget, alternating with")
        w("`ipvsadm -Ln --stats --exact > /dev/null`, 15 runs each; then the same exposition served as a")
        w("static file by busybox httpd (the floor of moving those bytes over HTTP in this VM).")
        w("")
        w("```")
        for line in text.splitlines():
            if line.startswith(("exporter scrape", "  of which", "ipvsadm ms", "static file", "median", "exposition", "1000 services")):
                w(line)
        w("```")
        m = re.search(r"median exporter (\d+) ms \(collecting (\d+) ms\), ipvsadm (\d+) ms, the exposition as a static file (\d+) ms", text)
        if m:
            scrape_ms, collect_ms, ipvsadm_ms, static_ms = map(int, m.groups())
            ratio = scrape_ms / ipvsadm_ms
            w("")
            w(f"Full scrape ÷ ipvsadm: **{ratio:.2f}×**; collecting alone (netlink dumps and decoding, from the")
            w(f"exporter's own `ipvs_scrape_collector_duration_seconds`) ÷ ipvsadm: **{collect_ms / ipvsadm_ms:.2f}×**.")
            verdicts.append(("netlink scrape ≤ 1.5× `ipvsadm -Ln --stats --exact` (VM)", f"{ratio:.2f}× (collecting {collect_ms / ipvsadm_ms:.2f}×)", ratio <= 1.5))
        else:
            w("")
            w("The kernel lab run did not finish; its output is above.")
        w("")

    # The lab's big director, replayed, beside node_exporter on its /proc.
    if args.replay and os.path.exists(args.replay):
        text = open(args.replay).read()
        w("## The lab's big director: netlink recording beside node_exporter")
        w("")
        w("`Benchmarks/replay-scale.sh`: the lab's scenario `scale` (1,000 UDP services × 10 NAT real")
        w("servers, every one with traffic, Debian's 6.1 kernel) recorded through netlink, served by")
        w("`ipvs_exporter --netlink.replay` with default flags, beside Debian's node_exporter (ipvs")
        w("collector only) reading the same director's /proc; curl, alternating, 31 scrapes each, medians.")
        w("The replay skips the kernel's side of netlink, which the lab's netlink scrape above measures.")
        w("")
        rows_replay = [line for line in text.splitlines() if line.startswith("|")]
        for line in rows_replay:
            w(line)
        plain = next((line for line in rows_replay if line.startswith("| plain |")), None)
        if plain:
            ratio = float(re.search(r"\*\*([\d.]+)×\*\*", plain).group(1))
            verdicts.append(("netlink replay of 1,000×10, default flags (plain) ≤ 0.2× node_exporter on its /proc", f"{ratio:.2f}×", ratio <= 0.2))
        else:
            w("")
            w("The replay benchmark did not finish; its output is above.")
        w("")

    # The kernel's cost of reading ip_vs_conn, in the VM.
    if args.conn_growth and os.path.exists(args.conn_growth):
        text = open(args.conn_growth).read()
        rows_growth = []
        for line in text.splitlines():
            fields = line.split()
            if len(fields) == 9 and fields[0].isdigit():
                rows_growth.append(fields)
        release = re.search(r"^kernel (\S+)", text, re.M)
        w("## Reading the kernel's connection table as it grows (kernel lab)")
        w("")
        w(f"`Benchmarks/kernel/conn-growth.sh` in the QEMU lab (TCG, one virtual CPU), kernel "
          f"{release.group(1) if release else 'unknown'}: UDP entries from one client port each, then, in")
        w("one run: `dd` of `/proc/net/ip_vs_conn` with 1 KiB, 4 KiB and 256 KiB reads (256 KiB is the")
        w("exporter's read size); `cat` and a scrape of an exporter with only the connections collector")
        w("and no limit, in turn, three times (medians: one read of a big table varies by a third); a")
        w("scrape of an exporter with every default (the guard at 40,000 entries).")
        w("Milliseconds; VM figures under emulation, ratios are what carries over to hardware.")
        w("")
        w("| entries | 1 KiB reads | 4 KiB reads | 256 KiB reads | cat | × per doubling (cat) | connections-only scrape | ÷ cat | default scrape | connections read |")
        w("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        previous = None
        worst_ratio = 0.0
        worst_default = 0
        for fields in rows_growth:
            entries, r1k, r4k, r256k, cat, only, default, success, estimate = fields
            cat_ms = max(int(cat), 1)
            growth_text = f"{int(cat) / max(previous, 1):.1f}×" if previous is not None else "–"
            previous = int(cat)
            ratio = int(only) / cat_ms
            worst_ratio = max(worst_ratio, ratio)
            worst_default = max(worst_default, int(default))
            read = "yes" if success == "1" else f"skipped (estimate {estimate})"
            w(f"| {int(entries):,} | {int(r1k):,} | {int(r4k):,} | {int(r256k):,} | {int(cat):,} | {growth_text} "
              f"| {int(only):,} | {ratio:.2f}× | {int(default):,} | {read} |")
        w("")
        if rows_growth:
            w("Each doubling of the table multiplies the read's time by about four: this kernel walks the")
            w("hash table from its first bucket at every read() (it lacks the late-2024 change that resumes")
            w("from the last bucket), and seq_file hands out about one page per read(), so reads larger")
            w("than 4 KiB cost the same and smaller ones cost more. The exporter reads as fast as the")
            w("kernel lets anyone; the guard is what keeps a scrape short on a big table.")
            verdicts.append(("connections-only scrape ≤ 1.2× `cat` of ip_vs_conn at every size (VM)", f"worst {worst_ratio:.2f}×", worst_ratio <= 1.2))
            beyond = ", ".join(f"{int(f[0]):,}: {int(f[5]) - int(f[4]):+,} ms" for f in rows_growth)
            measured_floors["connections-only scrape"] = [
                "- **The connections-only scrape in the VM**: what the scrape takes beyond `cat` of the same",
                f"  table, per size ({beyond}). That is the exporter's own work under emulation (the",
                "  scrape also reads /proc/net/ip_vs for the real servers' counts, parses every entry and",
                "  renders the series) plus the variation of the kernel's read itself, which walks the",
                "  table from its start at every read(): medians of three, but one read of a big table",
                "  still varies by a third between runs.",
            ]
            verdicts.append(("default scrape ≤ 5 s at every size (VM, guard at its default)", f"worst {worst_default / 1000:.2f} s", worst_default <= 5000))
        else:
            w("The run did not finish; its output:")
            w("")
            w("```")
            for line in text.splitlines()[-20:]:
                w(line)
            w("```")
        w("")

    w("## What changed, and why")
    w("")
    w("Profiles (callgrind instruction counts, `ipvs-bench` in-process timings) drove these changes;")
    w("the commits carry the before/after figures:")
    w("")
    w("- **Streaming exposition** (6203435): the first version held the 6.4 MB exposition of 1,000×10")
    w("  several times (per-sample structs, the text, the NIO buffer, gzip's bound buffer): 73 MB")
    w("  peak. Families now render lazily from compact columns into 256 KiB chunks, deflated")
    w("  incrementally, two chunks in flight at most; one malloc arena and a fixed mmap threshold")
    w("  return big buffers to the kernel. Peak 24 MB.")
    w("- **Rendering** (094cd05): families render a range of samples per call, counters are plain")
    w("  columns, digits are written two at a time: a netlink-shaped 1,000×10 exposition (28 MB)")
    w("  renders in 14.7 ms instead of 20 ms.")
    w("- **Page faults per chunk**: the fixed mmap threshold was 128 KiB, under the 256 KiB response")
    w("  chunks, so every chunk and its NIO copy were fresh mmaps: 12,087 page faults per 1,000×10")
    w("  netlink scrape (replayed on the host, `/proc/PID/stat` minflt). At 1 MiB they come from the")
    w("  heap and are reused: 396 faults, the same peak RSS, and in the kernel lab (where a fault")
    w("  is slow under TCG) the netlink scrape went from 1.61× to about 1.4× ipvsadm's time.")
    w("- **Relocations at start**: the static binary is position-independent, and the loader read")
    w("  all 2.3 MB of its relocation records and touched every page they point into at each start")
    w("  (/proc/PID/pagemap against the section table). Linked with lld and packed relative")
    w("  relocations (DT_RELR, glibc 2.36) they take 19 KB: idle RSS 22.8 -> 18.6 MB, peak at")
    w("  1,000x10 29.1 -> 25.4 MB, still PIE. (Non-PIE would save 1 MB more and lose the image's ASLR.)")
    w("- **The connection table at fixed offsets** (2a8ccbf): the kernel prints TCP, UDP and template")
    w("  lines with fixed-width fields, so each field is read at its column, eight hex digits per")
    w("  64-bit load, and counted under integer keys in a table whose slots are loaded 64 lines at")
    w("  a time (the misses overlap); other lines take the general parser. 1M entries: 36× `wc -l`")
    w("  before, the ratio above now.")
    w("- **lint at scale** (6b4767a, e9026df): a 10,000-service save with 50,000 firewall rules took")
    w("  minutes (every service against every rule, linear searches per line, array copies per")
    w("  append). Rules index firewall rules by destination, parsers use dictionaries and read")
    w("  real-server lines straight from bytes, locations are 16 bytes: time now grows linearly")
    w("  (the table above).")
    w("")
    # What stands in the way of a missed target (measured floors); printed only when missed.
    floors = {
        "peak RSS": [
            "- **Peak RSS**: most of the figure is the binary's own pages touched at start (the",
            "  static binary idles near 18.6 MB, mostly its code: Foundation for Yams, swift-nio-ssl",
            "  for TLS); a 1,000×10 scrape itself adds about 7 MB.",
        ],
        "connection table": [
            "- **The connection table**: `wc -l` looks for newline bytes and nothing else; most of its time",
            "  is the kernel copying the file. The aggregation also validates every field (as the general",
            "  parser would, so a malformed line is still named) and counts each line under its real",
            "  server and state: with 10,000 real servers × 6 states that is a random probe of a 1.5 MB",
            "  table per line, a cache miss that the batching only partly hides. callgrind of one",
            "  in-process scrape with only this collector (`ipvs-bench procfs TREE 1 connections`, at",
            "  2212dda): 960M instructions, of which reading and counting the 1M lines 597M (about 530",
            "  per line, every hex field and separator checked), attributing the 30,000 groups to real",
            "  servers 96M, reading /proc/net/ip_vs for the real servers 60M, building the groups 34M,",
            "  rendering 15M; the rest is freeing the groups' dictionaries and building their labels.",
        ],
        "procfs scrape": [
            "- **procfs scrape at 1,000×10**: per scrape about 111M instructions (callgrind, `ipvs-bench",
            "  procfs` on the same tree): a third reading /proc/net/ip_vs (11,000 lines), a third",
            "  building the samples' label sets and columns, a third rendering 6.4 MB of text; the rest",
            "  of a wrk round trip is HTTP, the 256 KiB chunks handed from the pool to the event loop.",
        ],
        "lint of": [
            "- **lint at scale**: `ipvs-bench lint 6000 10 30000` splits the time between parsing both",
            "  inputs and checking the rules; the checks compare each service with the firewall rules",
            "  indexed by destination, the parsers read words as Strings (columns are Characters).",
        ],
        "netlink scrape": [
            "- **netlink in the VM**: collecting (the netlink dumps and decoding) is the share shown in",
            "  the table; what is left is writing and sending a 27.7 MB exposition (32× the bytes of",
            "  ipvsadm's output: every real server has five counters and five rates with six labels",
            "  each) on the one emulated CPU that the client shares.",
        ],
    }
    floors.update(measured_floors)
    missed = [name for name, _, met in verdicts if not met]
    if missed:
        w("## Targets missed, and the floor in the way")
        w("")
        for key, lines in floors.items():
            if any(key in name for name in missed):
                for line in lines:
                    w(line)
        w("")
    w("## Targets")
    w("")
    w("| target | measured | met |")
    w("|---|---|---|")
    for name, value, met in verdicts:
        w(f"| {name} | {value} | {'yes' if met else '**no**'} |")
    w("")
    print("\n".join(out))


if __name__ == "__main__":
    main()
