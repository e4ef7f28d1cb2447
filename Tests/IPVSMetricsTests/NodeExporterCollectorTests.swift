import Foundation
import IPVSKernel
import IPVSMetrics
import IPVSModel
import IPVSTestSupport
import Testing

/// `--compat.node-exporter` against node_exporter's own fixtures and expected outputs, and
/// against what Debian's node_exporter 1.5 served for our kernel capture and for the quirks
/// (Tests/Fixtures/node-exporter, each file's origin in its SOURCES.tsv).
@Suite struct NodeExporterCollectorTests {
    static func exposition(procRoot: String, labels: [BackendLabel]) -> String {
        let procfs = ProcFS(root: procRoot)
        let scraper = Scraper(
            collectors: [NodeExporterCollector(backendLabels: labels)], procfs: procfs,
            reader: ProcFSStateReader(procfs: procfs, hz: nil), exporterMetrics: false)
        return String(decoding: ExpositionEncoder.encode(scraper.scrape().metrics, format: .prometheusText), as: UTF8.self)
    }

    @Test(
        arguments: [
            // node_exporter's fixture tree and its expected outputs.
            ("node-exporter/proc", nil, "node-exporter/ip_vs_result.txt"),
            ("node-exporter/proc", nil, "node-exporter/e2e-ipvs.txt"),
            ("node-exporter/proc", "local_address,local_port", "node-exporter/ip_vs_result_lbs_local_address_local_port.txt"),
            ("node-exporter/proc", "local_port", "node-exporter/ip_vs_result_lbs_local_port.txt"),
            ("node-exporter/proc", "", "node-exporter/ip_vs_result_lbs_none.txt"),
            // Debian's prometheus-node-exporter 1.5 on a real 6.1 kernel's /proc: fwmarks of both
            // families, IPv6, SCTP after a TCP service.
            ("kernel-6.1-lab/proc", nil, "node-exporter/debian-1.5-output-kernel-6.1-lab.txt"),
            (
                "kernel-6.1-lab/proc", "local_address,local_port",
                "node-exporter/debian-1.5-output-kernel-6.1-lab-lbs_local_address_local_port.txt"
            ),
            ("kernel-6.1-lab/proc", ",,", "node-exporter/debian-1.5-output-kernel-6.1-lab-lbs_none.txt"),
            // SCTP first and after a TCP service with the same real server, a mark in both
            // families, an IPv4-mapped real server.
            ("node-exporter/synthetic-quirks/proc", nil, "node-exporter/synthetic-quirks/debian-1.5-output.txt"),
        ] as [(String, String?, String)])
    func servesWhatNodeExporterServes(_ proc: String, _ flag: String?, _ expected: String) throws {
        let labels = try flag.map { try BackendLabel.parse($0) } ?? BackendLabel.allCases
        let actual = try NodeExporterText.normalized(Self.exposition(procRoot: Fixtures.path(proc), labels: labels))
        let wanted = try NodeExporterText.normalized(Fixtures.text(expected))
        #expect(wanted.count > 10)
        let difference = NodeExporterText.difference(expected: wanted, actual: actual)
        #expect(difference.isEmpty, "\(difference.joined(separator: "\n"))")
    }

    @Test func backendLabelsAreReadAsNodeExporterReadsThem() throws {
        // Canonical order whatever the order given; repeats and empty items dropped.
        #expect(try BackendLabel.parse("proto,local_port,,local_port") == [.localPort, .proto])
        #expect(try BackendLabel.parse("") == [])
        // No trimming and case matters, as in node_exporter: " proto" is unknown.
        #expect(throws: BackendLabel.UnknownNames(names: [" proto", "Local_Port"])) {
            try BackendLabel.parse("Local_Port, proto")
        }
        let error = BackendLabel.UnknownNames(names: ["bad_label", "invalid_label"])
        #expect(error.description.hasPrefix("unknown IPVS backend labels: \"bad_label, invalid_label\""))
    }

    @Test func withoutIPVSStatsNothingIsServed() throws {
        // node_exporter reads ip_vs_stats first and serves no node_ipvs series without it.
        let root = try Fixtures.temporaryDirectory("node-exporter-no-stats")
        try FileManager.default.createDirectory(atPath: root + "/net", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Fixtures.path("node-exporter/proc/net/ip_vs"), toPath: root + "/net/ip_vs")
        let text = Self.exposition(procRoot: root, labels: BackendLabel.allCases)
        #expect(!text.contains("node_ipvs"), "\(text)")
    }
}
