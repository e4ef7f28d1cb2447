import Foundation
import IPVSTestSupport
import Testing

/// `--compat.node-exporter` side by side with Debian's real `prometheus-node-exporter` on the
/// same /proc trees: the node_ipvs_* families must be the same sorted samples, HELP and TYPE.
@Suite(.serialized) struct NodeExporterCompatibilityTests {
    static let nodeExporter = "/usr/bin/prometheus-node-exporter"
    static let trees = ["node-exporter/proc", "kernel-6.1-lab/proc", "node-exporter/synthetic-quirks/proc"]
    static let labelFlags: [String?] = [nil, "local_address,local_port", "", "proto,local_mark", "remote_address"]

    static func scrape(_ port: Int) async throws -> String {
        let result = try await Processes.run("/usr/bin/curl", ["-sf", "--max-time", "10", "http://127.0.0.1:\(port)/metrics"])
        try #require(result.status == 0, "curl: \(result.stderr)")
        return result.stdout
    }

    @Test(
        .enabled(if: Processes.shouldRun(needing: "prometheus-node-exporter", "curl")),
        arguments: trees, labelFlags)
    func sameSamplesAsNodeExporter(_ tree: String, _ labels: String?) async throws {
        let proc = Fixtures.path(tree)
        let labelArguments = labels.map { ["--collector.ipvs.backend-labels=\($0)"] } ?? []
        let port = try Processes.freePort()
        let node = try RunningProcess(
            Self.nodeExporter,
            [
                "--collector.disable-defaults", "--collector.ipvs", "--path.procfs", proc, "--web.listen-address",
                "127.0.0.1:\(port)",
            ]
                + labelArguments)
        defer { node.stop() }
        _ = try await node.waitForLine(containing: "Listening on")
        let ours = try RunningProcess(
            Processes.exporterBinary,
            ["--web.listen-address", "127.0.0.1:0", "--path.procfs", proc, "--compat.node-exporter"] + labelArguments)
        defer { ours.stop() }
        let ourPort = try await ours.listeningPort()

        let expected = try NodeExporterText.normalized(await Self.scrape(port))
        let actual = try NodeExporterText.normalized(await Self.scrape(ourPort))
        #expect(expected.count >= 8 * 2 + 5, "node_exporter served \(expected)")
        let difference = NodeExporterText.difference(expected: expected, actual: actual)
        #expect(difference.isEmpty, "\(tree) \(labels ?? "(default labels)"):\n\(difference.joined(separator: "\n"))")
    }

    @Test func offByDefault() async throws {
        let (process, port) = try await ExporterBinaryTests.start(ExporterBinaryTests.fixtureArguments)
        defer { process.stop() }
        #expect(try await !Self.scrape(port).contains("node_ipvs_"))
    }

    @Test(arguments: [
        (
            ["--compat.node-exporter", "--collector.ipvs.backend-labels", "invalid_label,bad_label"],
            "unknown IPVS backend labels: \"bad_label, invalid_label\""
        ),
        (["--collector.ipvs.backend-labels", "local_port"], "add --compat.node-exporter"),
        (["--collector.node_exporter"], "Unknown option '--collector.node_exporter'"),
    ])
    func refusedCommandLines(_ arguments: [String], _ message: String) async throws {
        let result = try await Processes.run(Processes.exporterBinary, arguments)
        #expect(result.status == 3)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }
}
