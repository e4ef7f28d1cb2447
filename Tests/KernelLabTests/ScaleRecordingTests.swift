import Foundation
import IPVSKernel
import IPVSMetrics
import IPVSModel
import IPVSTestSupport
import Testing

/// The lab's big director (scenario `scale`: 1,000 services × 10 real servers, all with
/// traffic), recorded through netlink and served back: what each cardinality setting serves,
/// checked against ipvsadm's totals of the same moment and against the unsummed scrape, and
/// the README's table of series, measured.
@Suite struct ScaleRecordingTests {
    static let directory = KernelLabTests.results.map { $0 + "/scale/director" }
    static var recorded: Bool {
        directory.map { FileManager.default.fileExists(atPath: $0 + "/netlink-dump/services.bin") } ?? false
    }

    /// A setting of the table: its flags as a user writes them, and the collectors and
    /// options those flags give.
    struct Setting: CustomStringConvertible, Sendable {
        var flags: String
        var source: IPVSSource = .netlink
        var options = CollectorOptions()
        var without: Set<CollectorID> = []
        var description: String { flags }
    }

    static let serviceLabels = BackendLabel.ofService
    static let settings: [Setting] = [
        Setting(flags: "(defaults)"),
        Setting(flags: "--no-collector.rates", without: [.rates]),
        Setting(
            flags: "--collector.backends.labels=proto,local_address,local_port,local_mark",
            options: CollectorOptions(backendGrouping: BackendGrouping(keeping: serviceLabels))),
        Setting(
            flags: "--collector.backends.labels=proto,local_address,local_port,local_mark --no-collector.rates",
            options: CollectorOptions(backendGrouping: BackendGrouping(keeping: serviceLabels)), without: [.rates]),
        Setting(flags: "--collector.backends.labels=", options: CollectorOptions(backendGrouping: BackendGrouping(keeping: []))),
        Setting(flags: "--no-collector.backends", without: [.backends]),
        Setting(flags: "--ipvs.source procfs", source: .procfs),
    ]

    static func scrape(_ setting: Setting) throws -> (text: String, samples: [ExpositionSample]) {
        let directory = Self.directory!
        let procfs = ProcFS(root: directory + "/proc")
        let reader: any IPVSStateReader =
            setting.source == .procfs
            ? ProcFSStateReader(procfs: procfs, hz: nil)
            : NetlinkStateReader(replay: try NetlinkReplay(directory: directory + "/netlink-dump"))
        var options = setting.options
        options.rateScopes = options.rateScopes.filter { !setting.without.contains($0.collector) }
        let collectors = CollectorID.allCases.filter { $0.enabledByDefault && !setting.without.contains($0) }
            .map { $0.collector(options) }
        let outcome = Scraper(collectors: collectors, procfs: procfs, reader: reader, exporterMetrics: false).scrape()
        // The connection table (100,000 entries) is above the guard: that collector skips it.
        #expect(Set(outcome.failures.keys).subtracting(["connections"]).isEmpty, "\(outcome.failures)")
        let text = String(decoding: ExpositionEncoder.encode(outcome.metrics, format: .prometheusText), as: UTF8.self)
        return (text, try ExpositionText.parse(text))
    }

    static func sum(_ samples: [ExpositionSample], _ name: String) -> UInt64 {
        samples.filter { $0.name == name }.reduce(0) { $0 + ($1.unsigned ?? 0) }
    }

    @Test(.enabled(if: recorded))
    func summedSettingsKeepIPVSAdmsTotals() throws {
        let listing = try IPVSAdmListing(parsing: try String(contentsOfFile: Self.directory! + "/stats.txt", encoding: .utf8))
        let servers = listing.services.flatMap(\.realServers)
        #expect(listing.services.count == 1000)
        #expect(servers.count == 10_000)
        let full = try Self.scrape(Self.settings[0]).samples
        #expect(full.filter { $0.name == "ipvs_backend_weight" }.count == 10_000)
        let names = [
            "ipvs_backend_connections_total", "ipvs_backend_incoming_packets_total", "ipvs_backend_outgoing_packets_total",
            "ipvs_backend_incoming_bytes_total", "ipvs_backend_outgoing_bytes_total",
        ]
        for (column, name) in names.enumerated() {
            let fromIPVSAdm = servers.reduce(UInt64(0)) { $0 + $1.numbers[column] }
            #expect(fromIPVSAdm > 0 || name.contains("outgoing"))
            #expect(Self.sum(full, name) == fromIPVSAdm, "\(name)")
        }
        #expect(full.contains { $0.name == "ipvs_backend_connections_per_second" && $0.value != "0" })
        for kept in [[], Self.serviceLabels, [.remoteAddress], [.proto, .remotePort]] as [[BackendLabel]] {
            let grouped = try Self.scrape(
                Setting(flags: "", options: CollectorOptions(backendGrouping: BackendGrouping(keeping: kept))))
            let differences = BackendGroupingCheck.differences(full: full, grouped: grouped.samples, kept: kept.map(\.rawValue))
            #expect(differences.count == 0, "keeping \(kept): \(differences.prefix(5))")
        }
    }

    /// Series and bytes per setting, written to the lab's results (scale/series.md) and
    /// compared with the README's table: the series exactly, the bytes within 3% (values
    /// such as rates differ from one lab run to the next).
    @Test(.enabled(if: recorded))
    func readmeTableIsWhatTheRecordingServes() throws {
        var rows: [String] = []
        for setting in Self.settings {
            let (text, samples) = try Self.scrape(setting)
            let lines = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
            func part(_ prefixes: [String]) -> (series: Int, bytes: Int) {
                let chosen = lines.filter { line in prefixes.contains { line.hasPrefix($0) } }
                return (chosen.count, chosen.reduce(0) { $0 + $1.utf8.count + 1 })
            }
            let backends = part(["ipvs_backend_"])
            let services = part(["ipvs_service_"])
            #expect(samples.count == lines.count)
            let columns = [
                "`\(setting.flags)`", String(lines.count), String(text.utf8.count), Self.ratio(services.series, 1000),
                Self.ratio(services.bytes, 1000), String(backends.series), Self.ratio(backends.series, 10_000),
                Self.ratio(backends.bytes, 10_000),
            ]
            rows.append("| " + columns.joined(separator: " | ") + " |")
        }
        let table = rows.joined(separator: "\n")
        try table.write(toFile: KernelLabTests.results! + "/scale/series.md", atomically: true, encoding: .utf8)
        let readme = try String(contentsOfFile: Fixtures.packageRoot + "/README.md", encoding: .utf8)
        let documented = readme.split(separator: "\n").filter { line in
            Self.settings.contains { line.hasPrefix("| `\($0.flags)` |") }
        }
        #expect(
            documented.count == rows.count, "README's table has \(documented.count) of \(rows.count) rows; measured:\n\(table)")
        // The README's table is 6.1's; another kernel has its own IPVS sysctls, one series each.
        let kernel = KernelLabTests.kernel
        let sysctls = KernelDifferences.sysctls(kernel)
        let extra = sysctls.added.count - sysctls.missing.count
        let served = Set(
            try Self.scrape(Self.settings[0]).samples.filter { $0.name == "ipvs_sysctl" }.compactMap { $0.labels["name"] })
        let expectedSysctls = KernelDifferences.sysctlsOf61.union(sysctls.added).subtracting(sysctls.missing)
        #expect(
            served == expectedSysctls,
            """
            [kernel \(kernel)] sysctl series not in KernelDifferences: \(served.subtracting(expectedSysctls)), \
            missing: \(expectedSysctls.subtracting(served))
            """
        )
        for (measured, written) in zip(rows, documented) {
            let a = measured.components(separatedBy: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            let b = written.components(separatedBy: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard a.count == b.count, a.count >= 10 else {
                Issue.record("README row \(written) does not have the table's columns")
                continue
            }
            // The text before the first "|" is an empty first component: columns count from 1.
            #expect(
                a[1] == b[1] && Int(a[2]) == Int(b[2]).map { $0 + extra } && a[4] == b[4] && a[6] == b[6] && a[7] == b[7],
                "[kernel \(kernel)] series: README \(written), measured \(measured)")
            for column in [3, 5, 8] {
                let x = Double(a[column].replacingOccurrences(of: ",", with: "")) ?? -1
                let y = Double(b[column].replacingOccurrences(of: ",", with: "")) ?? -2
                #expect(abs(x - y) <= 0.03 * max(x, 1), "bytes: README \(written), measured \(measured)")
            }
        }
    }

    /// Two decimals, as the table prints it.
    static func ratio(_ part: Int, _ whole: Int) -> String {
        String(format: "%.2f", Double(part) / Double(whole))
    }
}
