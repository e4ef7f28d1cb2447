import Foundation
import IPVSKernel
import IPVSMetrics
import IPVSModel
import IPVSTestSupport
import Testing

/// Whole scrapes of fixture trees: the golden exposition, what procfs cannot give, and how
/// one broken file affects only its own collector.
@Suite struct ScrapeTests {
    static let build = BuildInfo(version: "0.0.0-test", revision: "golden", branch: "main", swiftVersion: "6.x")

    static func scraper(procRoot: String, hz: UInt32? = 250, collectors: [any Collector] = Scraper.allCollectors) -> Scraper {
        let procfs = ProcFS(root: procRoot)
        let reader = ProcFSStateReader(procfs: procfs, hz: hz.map { KernelHZ(hz: $0, source: "test") })
        // A clock that always answers 0 keeps durations, and so the golden file, stable.
        return Scraper(
            collectors: collectors, procfs: procfs, reader: reader, exporterMetrics: false, buildInfo: build,
            monotonicNanoseconds: { 0 })
    }

    static func text(_ outcome: ScrapeOutcome, _ format: ExpositionFormat = .prometheusText) -> String {
        String(decoding: ExpositionEncoder.encode(outcome.metrics, format: format), as: UTF8.self)
    }

    /// Parses exposition lines into "name{labels}" → value, for assertions.
    static func samples(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " ") else { continue }
            out[String(line[..<space])] = String(line[line.index(after: space)...])
        }
        return out
    }

    @Test(arguments: [
        (ExpositionFormat.prometheusText, "kernel-6.1-lab.procfs.prom"), (.openMetrics, "kernel-6.1-lab.procfs.openmetrics"),
    ])
    func goldenExposition(_ format: ExpositionFormat, _ golden: String) throws {
        let outcome = Self.scraper(procRoot: Fixtures.labProc).scrape()
        #expect(outcome.failures.isEmpty)
        let bytes = ExpositionEncoder.encode(outcome.metrics, format: format)
        let result = try Golden.compare(bytes, to: "expected/" + golden)
        #expect(result == .matches)
        // Same input, same bytes.
        #expect(ExpositionEncoder.encode(Self.scraper(procRoot: Fixtures.labProc).scrape().metrics, format: format) == bytes)
    }

    @Test func carriesTheFixturesValues() async throws {
        let samples = Self.samples(Self.text(Self.scraper(procRoot: Fixtures.labProc).scrape()))
        let backend =
            #"{proto="TCP",local_address="10.0.0.100",local_port="80",local_mark="",remote_address="172.16.2.11",remote_port="8080"}"#
        #expect(samples["ipvs_backend_weight" + backend] == "2")
        #expect(samples["ipvs_backend_connections_inactive" + backend] == "57")
        #expect(
            samples[
                #"ipvs_service_persistence_timeout_seconds{proto="TCP",local_address="10.0.0.101",local_port="80",local_mark=""}"#
            ] == "300")
        #expect(
            samples[
                #"ipvs_backend_info{proto="FWM",local_address="::",local_port="0",local_mark="2",remote_address="fd00:16:1::11",remote_port="8080",forwarding_method="masq",tunnel_type=""}"#
            ] == "1")
        #expect(samples["ipvs_connections_total"] == "187")
        #expect(samples["ipvs_incoming_bytes_total"] == "89630")
        #expect(samples["ipvs_connection_table_size"] == "4096")
        #expect(samples["ipvs_up"] == "1")
        #expect(samples[#"ipvs_exporter_source_info{source="procfs"}"#] == "1")
    }

    /// An IPVS and an IPv6 service on one mark, both emptied by a health checker: /proc shows
    /// `FWM 00000001` twice. The director stays monitored (ipvs_up 1), each service once.
    @Test func dualStackMarkWithoutRealServersKeepsProcfsUp() async throws {
        let root = try Fixtures.copyOfLabProc()
        try Fixtures.write(
            """
            IP Virtual Server version 1.2.1 (size=4096)
            Prot LocalAddress:Port Scheduler Flags
              -> RemoteAddress:Port Forward Weight ActiveConn InActConn
            FWM  00000001 wlc 
            FWM  00000001 wlc 

            """, to: root + "/net/ip_vs")
        let outcome = Self.scraper(procRoot: root, collectors: [ServicesCollector()]).scrape()
        #expect(outcome.failures.isEmpty)
        let samples = Self.samples(Self.text(outcome))
        #expect(samples["ipvs_up"] == "1")
        let info = samples.keys.filter { $0.hasPrefix("ipvs_service_info{") }.sorted()
        #expect(info.count == 2)
        #expect(info.contains { $0.contains(#"local_address="0.0.0.0",local_port="0",local_mark="1""#) })
        #expect(info.contains { $0.contains(#"local_address="::",local_port="0",local_mark="1""#) })
    }

    /// /proc has no per-object traffic counters, thresholds, timeouts or daemons: those
    /// metrics are absent, never zero.
    @Test func procfsLeavesOutWhatItCannotGive() async throws {
        let text = Self.text(Self.scraper(procRoot: Fixtures.labProc).scrape())
        for absent in [
            "ipvs_service_connections_total", "ipvs_service_incoming_bytes_total", "ipvs_service_connections_per_second",
            "ipvs_backend_connections_total", "ipvs_backend_outgoing_bytes_per_second", "ipvs_backend_connections_persistent",
            "ipvs_backend_upper_threshold", "ipvs_backend_lower_threshold", "ipvs_timeout_seconds", "ipvs_sync_daemon_info",
        ] {
            #expect(!text.contains("\n" + absent), "\(absent) must be absent in procfs mode")
        }
    }

    @Test func withoutHZThePersistenceTimeoutIsAbsent() async throws {
        let text = Self.text(Self.scraper(procRoot: Fixtures.labProc, hz: nil).scrape())
        #expect(!text.contains("ipvs_service_persistence_timeout_seconds{"))
        #expect(text.contains(#"persistence_netmask="255.255.255.0""#))
    }

    @Test func brokenStatsFileFailsOnlyTheStatsCollector() async throws {
        let root = try Fixtures.copyOfLabProc()
        try Fixtures.write("garbage\n", to: root + "/net/ip_vs_stats")
        let outcome = Self.scraper(procRoot: root).scrape()
        let samples = Self.samples(Self.text(outcome))
        #expect(samples[#"ipvs_scrape_collector_success{collector="stats"}"#] == "0")
        #expect(samples[#"ipvs_scrape_collector_success{collector="backends"}"#] == "1")
        #expect(samples["ipvs_up"] == "1")
        #expect(samples["ipvs_connections_total"] == nil)
        guard case .procfs(.parse(let error)) = outcome.failures["stats"] else {
            Issue.record("expected a parse error, got \(String(describing: outcome.failures["stats"]))")
            return
        }
        #expect(error.file == root + "/net/ip_vs_stats")
        #expect(error.line == 1)
    }

    @Test func brokenServiceTableFailsEveryoneWhoNeedsIt() async throws {
        let root = try Fixtures.copyOfLabProc()
        var lines = try String(contentsOfFile: root + "/net/ip_vs", encoding: .utf8).split(
            separator: "\n", omittingEmptySubsequences: false)
        lines[7] = "TCP  0A00ZZZZ:0050 rr  "
        try Fixtures.write(lines.joined(separator: "\n"), to: root + "/net/ip_vs")
        let outcome = Self.scraper(procRoot: root).scrape()
        let samples = Self.samples(Self.text(outcome))
        for collector in ["backends", "connections", "info", "services"] {
            #expect(samples["ipvs_scrape_collector_success{collector=\"\(collector)\"}"] == "0", "\(collector)")
        }
        #expect(samples[#"ipvs_scrape_collector_success{collector="stats"}"#] == "1")
        #expect(samples["ipvs_up"] == "0")
        #expect(
            outcome.failures["ipvs_up"]?.description.contains(":8:") == true, "\(String(describing: outcome.failures["ipvs_up"]))"
        )
        #expect(!samples.keys.contains { $0.hasPrefix("ipvs_backend_") })
    }

    /// What a host without the ip_vs module looks like: no /proc/net/ip_vs* at all.
    @Test func withoutIPVSServesUpZero() async throws {
        let root = try Fixtures.temporaryDirectory()
        let outcome = Self.scraper(procRoot: root).scrape()
        let text = Self.text(outcome)
        let samples = ScrapeTests.samples(text)
        #expect(samples["ipvs_up"] == "0")
        #expect(outcome.failures["ipvs_up"]?.description.contains("is the ip_vs kernel module loaded?") == true)
        guard case .unavailable = outcome.failures["ipvs_up"] else {
            Issue.record("expected .unavailable")
            return
        }
        // Still a valid, useful exposition, which names no source it did not read from.
        #expect(
            samples[
                "ipvs_exporter_build_info{version=\"0.0.0-test\",revision=\"golden\",branch=\"main\",swift_version=\"6.x\",goos=\"linux\",goarch=\"amd64\"}"
            ] == "1")
        #expect(!samples.keys.contains { $0.hasPrefix("ipvs_exporter_source_info") })
    }

    @Test func duplicateServiceLinesFailTheScrapeInsteadOfDuplicatingSeries() async throws {
        let root = try Fixtures.copyOfLabProc()
        let original = try String(contentsOfFile: root + "/net/ip_vs", encoding: .utf8)
        try Fixtures.write(original + "TCP  0A00006A:0015 rr  persistent 90000 FFFFFFFF\n", to: root + "/net/ip_vs")
        let outcome = Self.scraper(procRoot: root).scrape()
        guard case .inconsistent(let message) = outcome.failures["services"] else {
            Issue.record("expected .inconsistent, got \(String(describing: outcome.failures["services"]))")
            return
        }
        #expect(message.contains("TCP 10.0.0.106:21"))
    }

    @Test func disabledCollectorsAreNotRun() async throws {
        let outcome = Self.scraper(procRoot: Fixtures.labProc, collectors: [StatsCollector()]).scrape()
        let text = Self.text(outcome)
        #expect(text.contains(#"ipvs_scrape_collector_success{collector="stats"} 1"#))
        #expect(!text.contains(#"collector="backends""#))
        #expect(!text.contains("ipvs_backend_weight"))
        // ipvs_up still reports whether IPVS can be read.
        #expect(text.contains("ipvs_up 1"))
    }
}

/// The connection table is not read when the real servers' counts say it is too large for the
/// kernel to list cheaply, and the scrape says so.
@Suite struct ConnectionTableGuardTests {
    /// The lab tree's real servers count 242 active and inactive connections (its ip_vs file).
    static func outcome(maxEntries: Int?) -> ScrapeOutcome {
        ScrapeTests.scraper(procRoot: Fixtures.labProc, collectors: [ConnectionsCollector(maxEntries: maxEntries)]).scrape()
    }

    @Test func aboveTheLimitTheTableIsNotRead() throws {
        let outcome = Self.outcome(maxEntries: 10)
        let samples = ScrapeTests.samples(ScrapeTests.text(outcome))
        let estimate = try #require(samples["ipvs_connection_table_estimated_entries"].flatMap { UInt64($0) })
        #expect(estimate > 10)
        #expect(samples[#"ipvs_scrape_collector_success{collector="connections"}"#] == "0")
        #expect(!samples.keys.contains { $0.hasPrefix("ipvs_connections{") || $0.hasPrefix("ipvs_persistence_templates{") })
        guard case .skipped(let why) = outcome.failures["connections"] else {
            Issue.record("expected a skip, got \(String(describing: outcome.failures["connections"]))")
            return
        }
        #expect(why.contains("\(estimate) entries") && why.contains("--collector.connections.max-entries 10"))
        // The rest of the scrape is unaffected.
        #expect(samples["ipvs_up"] == "1")
    }

    @Test(arguments: [nil, 1_000_000] as [Int?])
    func withinTheLimitTheTableIsRead(_ maxEntries: Int?) throws {
        let outcome = Self.outcome(maxEntries: maxEntries)
        #expect(outcome.failures.isEmpty)
        let samples = ScrapeTests.samples(ScrapeTests.text(outcome))
        #expect(samples[#"ipvs_scrape_collector_success{collector="connections"}"#] == "1")
        #expect(samples.keys.contains { $0.hasPrefix("ipvs_connections{") })
        #expect(samples["ipvs_connection_table_estimated_entries"] != nil)
    }

    /// The estimate is the sum of every real server's active, inactive and persistent counts.
    @Test func theEstimateSumsTheRealServersCounts() throws {
        let table = try ProcFS(root: Fixtures.labProc).serviceTable(hz: 250)
        var expected: UInt64 = 0
        for service in table.services {
            for server in service.realServers {
                expected += UInt64(server.activeConnections + server.inactiveConnections + (server.persistentConnections ?? 0))
            }
        }
        #expect(expected > 0)
        #expect(ConnectionsCollector.estimatedEntries(table) == expected)
    }

    /// A read that outlives its budget is abandoned with an error naming the file.
    @Test func aReadPastItsBudgetIsAbandoned() throws {
        let path = Fixtures.labProc + "/net/ip_vs_conn"
        let error = #expect(throws: ProcFSError.self) { try ConnectionTableParser.read(path: path, budget: .zero) }
        guard case .overBudget(let file, let milliseconds) = error else {
            Issue.record("expected overBudget, got \(String(describing: error))")
            return
        }
        #expect(file == path && milliseconds == 0)
        #expect(throws: Never.self) { try ConnectionTableParser.read(path: path, budget: .seconds(60)) }
    }

    /// Every integer sysctl by name, sync_threshold's two numbers apart, text values left out;
    /// read at each scrape. A one-CPU director's `est_cpulist` reads `0` (the 6.12 lab VM's):
    /// a CPU list still, not a number.
    @Test(arguments: ["0-3", "0", "1,3"])
    func sysctlsAreServedAsTheKernelHoldsThem(cpuList: String) throws {
        let root = try Fixtures.copyOfLabProc()
        let directory = root + "/sys/net/ipv4/vs"
        try "1\n".write(toFile: directory + "/expire_nodest_conn", atomically: true, encoding: .utf8)
        try "\(cpuList)\n".write(toFile: directory + "/est_cpulist", atomically: true, encoding: .utf8)
        let text = ScrapeTests.text(ScrapeTests.scraper(procRoot: root, collectors: [SysctlsCollector()]).scrape())
        let samples = ScrapeTests.samples(text)
        #expect(samples[#"ipvs_sysctl{name="expire_nodest_conn"}"#] == "1")
        #expect(samples[#"ipvs_sysctl{name="sync_threshold"}"#] == "3")
        #expect(samples[#"ipvs_sysctl{name="sync_period"}"#] == "50")
        #expect(samples[#"ipvs_sysctl{name="est_cpulist"}"#] == nil)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0 != "est_cpulist" }
        // One series per integer file, and sync_threshold's second number.
        #expect(samples.keys.filter { $0.hasPrefix("ipvs_sysctl{") }.count == files.count + 1)
    }
}
