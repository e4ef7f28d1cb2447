import IPVSTestSupport
import Testing

/// `--collector.backends.labels` and `--no-collector.rates` on the command line of the real
/// binary (what they serve is checked in BackendGroupingTests and, at scale, in the lab).
@Suite struct CardinalityFlagsTests {
    @Test(.enabled(if: Processes.shouldRun(needing: "curl")))
    func summedRowsAndNoRates() async throws {
        let (process, port) = try await ExporterBinaryTests.start(
            ExporterBinaryTests.fixtureArguments + ["--collector.backends.labels", "proto,local_port", "--no-collector.rates"])
        defer { process.stop() }
        let samples = try ExpositionText.parse(try await NodeExporterCompatibilityTests.scrape(port))
        let weights = samples.filter { $0.name == "ipvs_backend_weight" }
        #expect(!weights.isEmpty)
        #expect(weights.allSatisfy { Set($0.labels.keys) == ["proto", "local_port"] })
        #expect(!samples.contains { $0.name.hasSuffix("_per_second") })
        #expect(!samples.contains { $0.name == "ipvs_scrape_collector_success" && $0.labels["collector"] == "rates" })
    }

    @Test func unknownLabelRefusesTheStart() async throws {
        let result = try await Processes.run(Processes.exporterBinary, ["--collector.backends.labels", "proto,service"])
        #expect(result.status == 3)
        #expect(
            result.stderr.contains("--collector.backends.labels: unknown IPVS backend labels: \"service\""), "\(result.stderr)")
    }
}
