import IPVSKernel
import IPVSMetrics
import IPVSModel
import IPVSTestSupport
import Testing

/// `--collector.backends.labels` and the rates collector on every lab recording: summed rows
/// keep the totals, info series merge, thresholds go, nothing else moves.
@Suite struct BackendGroupingTests {
    /// Every netlink recording of the kernel lab, and the /proc capture (the only one with a
    /// connection table).
    static let sources: [String] = ["proc"] + LabRecordings.netlink

    static func scrape(_ source: String, _ options: CollectorOptions) throws -> [ExpositionSample] {
        let collectors = CollectorID.allCases.filter(\.enabledByDefault).map { $0.collector(options) }
        let procfs: ProcFS
        let reader: any IPVSStateReader
        if source == "proc" {
            procfs = ProcFS(root: Fixtures.labProc)
            reader = ProcFSStateReader(procfs: procfs, hz: KernelHZ(hz: 250, source: "test"))
        } else {
            // The recording's director had the lab capture's /proc beside it: the stats and
            // sysctls come from there.
            procfs = ProcFS(root: Fixtures.labProc)
            reader = NetlinkStateReader(replay: try NetlinkReplay(directory: Fixtures.path("lab/netlink/" + source)))
        }
        let outcome = Scraper(collectors: collectors, procfs: procfs, reader: reader, exporterMetrics: false).scrape()
        #expect(outcome.failures.isEmpty, "\(outcome.failures)")
        return try ExpositionText.parse(
            String(decoding: ExpositionEncoder.encode(outcome.metrics, format: .prometheusText), as: UTF8.self))
    }

    static let keptSets: [[BackendLabel]] = [
        [], [.proto, .localAddress, .localPort, .localMark], [.remoteAddress], [.proto, .remotePort],
        [.localMark, .remoteAddress, .remotePort],
    ]

    @Test(arguments: sources)
    func summedRowsKeepEveryTotal(_ source: String) throws {
        let full = try Self.scrape(source, CollectorOptions())
        #expect(full.contains { $0.name == "ipvs_backend_weight" })
        for kept in Self.keptSets {
            let grouped = try Self.scrape(source, CollectorOptions(backendGrouping: BackendGrouping(keeping: kept)))
            let differences = BackendGroupingCheck.differences(full: full, grouped: grouped, kept: kept.map(\.rawValue))
            #expect(differences.count == 0, "\(source) keeping \(kept): \(differences.prefix(5))")
        }
        // All six labels is the default: nothing is summed, thresholds stay.
        let all = try Self.scrape(source, CollectorOptions(backendGrouping: BackendGrouping(keeping: BackendLabel.allCases)))
        #expect(BackendGroupingCheck.differences(full: full, grouped: all, kept: BackendGroupingCheck.backendLabels).isEmpty)
    }

    @Test func keepingNoLabelGivesOneSeriesPerFamily() throws {
        let grouped = try Self.scrape("thresholds-main", CollectorOptions(backendGrouping: BackendGrouping(keeping: [])))
        let weights = grouped.filter { $0.name == "ipvs_backend_weight" }
        #expect(weights.count == 1)
        #expect(weights.first?.labels.isEmpty == true)
        #expect(!grouped.contains { $0.name.hasSuffix("_threshold") })
        #expect(grouped.filter { $0.name == "ipvs_backend_connections_total" }.count == 1)
    }

    @Test func flagReadingAndRefusal() throws {
        #expect(BackendGrouping(keeping: try BackendLabel.parse("remote_port,proto")).labelNames == ["proto", "remote_port"])
        #expect(
            !BackendGrouping(
                keeping: try BackendLabel.parse("proto,local_address,local_port,local_mark,remote_address,remote_port")
            ).aggregates)
        #expect(throws: BackendLabel.UnknownNames(names: ["service"])) { try BackendLabel.parse("proto,service") }
    }

    /// The rates collector serves the rates of the scopes whose collector is on, and only the
    /// rates: `--no-collector.rates` removes every `*_per_second` family and nothing else.
    @Test(arguments: [
        Set<RatesCollector.Scope>(), [.director], [.services], [.backends], [.director, .services, .backends],
    ])
    func ratesFollowTheirScopes(_ scopes: Set<RatesCollector.Scope>) throws {
        let replay = try NetlinkReplay(directory: Fixtures.path("lab/netlink/nat-rr-main"))
        let procfs = ProcFS(root: Fixtures.labProc)
        let outcome = Scraper(
            collectors: [RatesCollector(scopes: scopes)], procfs: procfs, reader: NetlinkStateReader(replay: replay),
            exporterMetrics: false
        ).scrape()
        let names = Set(
            try ExpositionText.parse(
                String(decoding: ExpositionEncoder.encode(outcome.metrics, format: .prometheusText), as: UTF8.self)
            ).map(\.name).filter { $0.hasSuffix("_per_second") })
        let expected = Set(
            MetricCatalog.all.map(\.name).filter { name in
                guard name.hasSuffix("_per_second") else { return false }
                if name.hasPrefix("ipvs_service_") { return scopes.contains(.services) }
                if name.hasPrefix("ipvs_backend_") { return scopes.contains(.backends) }
                return scopes.contains(.director)
            })
        #expect(names == expected)
        let without = try Self.scrape("nat-rr-main", CollectorOptions())
        let counters = CollectorID.allCases.filter { $0.enabledByDefault && $0 != .rates }.map { $0.collector() }
        let outcomeWithout = Scraper(
            collectors: counters, procfs: procfs, reader: NetlinkStateReader(replay: replay), exporterMetrics: false
        ).scrape()
        let rest = try ExpositionText.parse(
            String(decoding: ExpositionEncoder.encode(outcomeWithout.metrics, format: .prometheusText), as: UTF8.self))
        #expect(!rest.contains { $0.name.hasSuffix("_per_second") })
        #expect(
            Set(rest.map(\.name)).subtracting(["ipvs_scrape_collector_duration_seconds", "ipvs_scrape_collector_success"])
                == Set(without.map(\.name).filter { !$0.hasSuffix("_per_second") })
                .subtracting(["ipvs_scrape_collector_duration_seconds", "ipvs_scrape_collector_success"]))
    }
}
