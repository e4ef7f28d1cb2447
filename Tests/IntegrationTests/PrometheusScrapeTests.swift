import Foundation
import IPVSTestSupport
import Testing

/// A real Prometheus (Debian's package) scrapes the running exporter on the fixture tree; the
/// test asks Prometheus, not the exporter, what it stored.
@Suite(.serialized) struct PrometheusScrapeTests {
    @Test(.enabled(if: Processes.shouldRun(needing: "prometheus")))
    func prometheusScrapesTheExporter() async throws {
        let exporter = try RunningProcess(
            Processes.exporterBinary,
            ["--web.listen-address", "127.0.0.1:0", "--path.procfs", Fixtures.labProc, "--path.boot", Fixtures.labBoot])
        defer { exporter.stop() }
        let exporterPort = try await exporter.listeningPort()

        let prometheus = try PrometheusServer(
            configuration: """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                scrape_configs:
                  - job_name: ipvs
                    static_configs:
                      - targets: ['127.0.0.1:\(exporterPort)']
                """)
        defer { prometheus.stop() }

        // Wait for a few successful scrapes.
        let deadline = Date().addingTimeInterval(40)
        var up: String?
        while Date() < deadline {
            up = try await prometheus.query(#"up{job="ipvs"}"#).first.flatMap(PrometheusServer.value)
            if up == "1", try await prometheus.query("ipvs_up").first.flatMap(PrometheusServer.value) == "1" { break }
            try await Task.sleep(for: .seconds(0.5))
        }
        #expect(up == "1", "Prometheus log:\n\(prometheus.log.suffix(20).joined(separator: "\n"))")

        // Contract metrics carry the fixture's values.
        let checks: [(String, String)] = [
            (
                #"ipvs_backend_weight{local_address="10.0.0.100",local_port="80",remote_address="172.16.2.11",remote_port="8080"}"#,
                "2"
            ),
            (#"ipvs_backend_connections_inactive{local_address="10.0.0.101",remote_address="172.16.2.11"}"#, "4"),
            (#"ipvs_service_persistence_timeout_seconds{local_address="10.0.0.101",local_port="80"}"#, "300"),
            (#"count(ipvs_service_info)"#, "25"),
            (#"count(ipvs_backend_info)"#, "45"),
            (#"ipvs_connections_total"#, "187"),
            (#"ipvs_connection_table_size"#, "4096"),
            (#"sum(ipvs_persistence_templates)"#, "1"),
            (#"ipvs_backend_info{proto="FWM",local_mark="2",local_address="::"}"#, "1"),
            (#"ipvs_exporter_source_info{source="procfs"}"#, "1"),
            (#"min(ipvs_scrape_collector_success)"#, "1"),
        ]
        for (promql, expected) in checks {
            let result = try await prometheus.query(promql)
            #expect(result.count == 1, "\(promql) returned \(result.count) series")
            #expect(result.first.flatMap(PrometheusServer.value) == expected, "\(promql)")
        }

        // The gauge keeps its own metadata although a counter is named ipvs_connections_total.
        let metadata = try await Processes.run(
            "/usr/bin/curl", ["-sf", "http://127.0.0.1:\(prometheus.port)/api/v1/metadata?metric=ipvs_connections"])
        #expect(metadata.stdout.contains(#""type":"gauge""#), "\(metadata.stdout)")
    }
}
