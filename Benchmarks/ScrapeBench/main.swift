import Glibc
import IPVSKernel
import IPVSLint
import IPVSMetrics
import IPVSModel
import SystemSupport

/// In-process timings of the exporter's hot paths, for `make bench` and profiling:
///
///   ipvs-bench render SERVICES SERVERS [RUNS]     netlink-shaped table → exposition bytes
///   ipvs-bench procfs DIR [RUNS] [COLLECTOR,…]    a /proc tree → exposition bytes (only those
///                                                 collectors, the connections one unguarded)
///   ipvs-bench conntrack FILE [RUNS]              ip_vs_conn → counts
///   ipvs-bench lint SERVICES SERVERS RULES [RUNS]  generated save + iptables-save → findings
///   ipvs-bench lint-inputs DIR SERVICES SERVERS RULES   write those inputs (for hyperfine)
///
/// Prints the median and the spread of RUNS runs, in milliseconds.
struct StubReader: IPVSStateReader {
    let table: ServiceTable
    var source: IPVSSource { .netlink }
    func serviceTable() throws(IPVSReadError) -> ServiceTable { table }
    func timeouts() throws(IPVSReadError) -> Timeouts? { Timeouts(tcp: 900, tcpFin: 120, udp: 300) }
    func syncDaemons() throws(IPVSReadError) -> [SyncDaemon]? { [] }
}

func netlinkShapedTable(services: Int, servers: Int) -> ServiceTable {
    let counters = TrafficCounters(
        connections: 123_456, incomingPackets: 9_876_543, outgoingPackets: 8_765_432, incomingBytes: 12_345_678_901,
        outgoingBytes: 9_876_543_210)
    let rates = TrafficRates(
        connections: 12, incomingPackets: 345, outgoingPackets: 234, incomingBytes: 45_678, outgoingBytes: 34_567)
    var list: [VirtualService] = []
    for s in 0..<services {
        var service = VirtualService(
            id: .address(.tcp, IPAddress(ipv4: 0x0A00_0000 + UInt32(s) + 1), port: 80), scheduler: "wlc", flags: [],
            onePacket: false,
            counters: counters, rates: rates)
        for r in 0..<servers {
            service.realServers.append(
                RealServer(
                    address: IPAddress(ipv4: 0xAC10_0000 + UInt32(s * servers + r) + 1), port: 8080, forwarding: .masquerading,
                    weight: 1, activeConnections: 3, inactiveConnections: 40, persistentConnections: 0, upperThreshold: 0,
                    lowerThreshold: 0, counters: counters, rates: rates))
        }
        list.append(service)
    }
    return ServiceTable(info: IPVSInfo(version: 0x010201, connectionTableSize: 4096), services: list, source: .netlink)
}

func now() -> UInt64 {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
}

func report(_ name: String, _ samples: [Double], _ extra: String) {
    let sorted = samples.sorted()
    let median = sorted[sorted.count / 2]
    func ms(_ value: Double) -> String { String(Double(Int(value * 100)) / 100) }
    print("\(name) median \(ms(median)) ms (min \(ms(sorted.first!)), max \(ms(sorted.last!)), \(samples.count) runs) \(extra)")
}

func usage() -> Never {
    print(
        "usage: ipvs-bench render SERVICES SERVERS [RUNS] | procfs DIR [RUNS] [COLLECTOR,…] | conntrack FILE [RUNS] | lint SERVICES SERVERS RULES [RUNS] | lint-inputs DIR SERVICES SERVERS RULES"
    )
    exit(2)
}

let arguments = CommandLine.arguments
guard arguments.count >= 3 else { usage() }
switch arguments[1] {
case "render":
    let services = Int(arguments[2]) ?? 1000
    let servers = arguments.count > 3 ? Int(arguments[3]) ?? 10 : 10
    let runs = arguments.count > 4 ? Int(arguments[4]) ?? 20 : 20
    let reader = StubReader(table: netlinkShapedTable(services: services, servers: servers))
    let scraper = Scraper(
        collectors: Scraper.allCollectors.filter { $0.name != "connections" && $0.name != "stats" },
        procfs: ProcFS(root: "/nonexistent"),
        reader: reader, exporterMetrics: false)
    var times: [Double] = []
    var bytes = 0
    for _ in 0..<runs {
        let start = now()
        var stream = ExpositionStream(scraper.scrape().metrics, format: .prometheusText)
        bytes = 0
        while let chunk = stream.next() { bytes += chunk.count }
        times.append(Double(now() - start) / 1e6)
    }
    report("render \(services)x\(servers)", times, "\(bytes) bytes")
case "procfs":
    let runs = arguments.count > 3 ? Int(arguments[3]) ?? 20 : 20
    let procfs = ProcFS(root: arguments[2])
    var collectors = Scraper.allCollectors
    if arguments.count > 4 {
        let names = arguments[4].split(separator: ",").map(String.init)
        let ids = names.compactMap(CollectorID.init(rawValue:))
        guard ids.count == names.count else { usage() }
        collectors = ids.map { $0.collector(CollectorOptions(connectionsMaxEntries: nil)) }
    }
    let scraper = Scraper(
        collectors: collectors, procfs: procfs, reader: ProcFSStateReader(procfs: procfs, hz: nil),
        exporterMetrics: false)
    var times: [Double] = []
    var bytes = 0
    for _ in 0..<runs {
        let start = now()
        var stream = ExpositionStream(scraper.scrape().metrics, format: .prometheusText)
        bytes = 0
        while let chunk = stream.next() { bytes += chunk.count }
        times.append(Double(now() - start) / 1e6)
    }
    report("procfs \(arguments[2])", times, "\(bytes) bytes")
case "conntrack":
    let runs = arguments.count > 3 ? Int(arguments[3]) ?? 10 : 10
    var times: [Double] = []
    var entries: UInt64 = 0
    for _ in 0..<runs {
        let start = now()
        do { entries = try ConnectionTableParser.read(path: arguments[2]).entries } catch {
            print("error: \(error)")
            exit(1)
        }
        times.append(Double(now() - start) / 1e6)
    }
    report("conntrack \(arguments[2])", times, "\(entries) entries")
case "lint":
    let services = Int(arguments[2]) ?? 10_000
    let servers = arguments.count > 3 ? Int(arguments[3]) ?? 10 : 10
    let rules = arguments.count > 4 ? Int(arguments[4]) ?? 50_000 : 50_000
    let runs = arguments.count > 5 ? Int(arguments[5]) ?? 5 : 5
    let ipvsadm = SourceFile(name: "bench.ipvs", text: LintBenchInputs.ipvsadm(services: services, servers: servers))
    let iptables = SourceFile(name: "bench.iptables", text: LintBenchInputs.iptables(rules: rules, services: services))
    var parse: [Double] = []
    var check: [Double] = []
    var findings = 0
    for _ in 0..<runs {
        let start = now()
        var set = InputSet()
        do {
            try set.add([(ipvsadm, .ipvsadm), (iptables, .iptables)])
        } catch {
            print("error: \(error)")
            exit(1)
        }
        let parsed = now()
        findings = set.lint().findings.count
        parse.append(Double(parsed - start) / 1e6)
        check.append(Double(now() - parsed) / 1e6)
    }
    if getenv("LINT_BENCH_PER_RULE") != nil {
        var set = InputSet()
        try? set.add(ipvsadm, as: .ipvsadm)
        try? set.add(iptables, as: .iptables)
        for rule in RuleRegistry.all {
            let start = now()
            _ = set.lint(with: Linter(rules: [rule]))
            let elapsed = Double(now() - start) / 1e6
            if elapsed > 5 { print("  \(rule.metadata.id) \(Int(elapsed)) ms") }
        }
    }
    report("lint parse \(services)x\(servers) + \(rules) rules", parse, "")
    report("lint rules \(services)x\(servers) + \(rules) rules", check, "\(findings) findings")
    report("lint total \(services)x\(servers) + \(rules) rules", zip(parse, check).map { $0 + $1 }, "")
case "lint-inputs":
    guard arguments.count >= 6, let services = Int(arguments[3]), let servers = Int(arguments[4]), let rules = Int(arguments[5])
    else {
        print("usage: ipvs-bench lint-inputs DIR SERVICES SERVERS RULES")
        exit(2)
    }
    do {
        try Files.write(
            Array(LintBenchInputs.ipvsadm(services: services, servers: servers).utf8), to: arguments[2] + "/ipvsadm.save")
        try Files.write(
            Array(LintBenchInputs.iptables(rules: rules, services: services).utf8), to: arguments[2] + "/iptables.save")
    } catch {
        print("error: \(error)")
        exit(1)
    }
default:
    print("unknown benchmark \(arguments[1])")
    exit(2)
}
