import Foundation
import IPVSMetrics
import IPVSTestSupport
import Testing

/// The catalog is the public contract; these are the Prometheus naming rules it must keep.
@Suite struct MetricCatalogTests {
    @Test(arguments: MetricCatalog.all.map(\.name))
    func followsNamingRules(_ name: String) async throws {
        let descriptor = try #require(MetricCatalog.all.first { $0.name == name })
        #expect(name.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "_" }, "snake_case")
        #expect(name.hasPrefix("ipvs_") || name.hasPrefix("process_"))
        #expect((descriptor.type == .counter) == name.hasSuffix("_total"), "_total is for counters only")
        #expect(descriptor.help.hasSuffix("."))
        #expect(!descriptor.labelNames.contains("type"))
        #expect(Set(descriptor.labelNames).count == descriptor.labelNames.count)
        for label in descriptor.labelNames {
            #expect(label.allSatisfy { $0.isLowercase || $0 == "_" }, "\(label)")
        }
        if name.hasSuffix("_info") {
            #expect(descriptor.type == .gauge)
        }
    }

    @Test func namesAreUnique() async {
        #expect(Set(MetricCatalog.all.map(\.name)).count == MetricCatalog.all.count)
    }

    /// The README's Metrics table (the contract, ARCHITECTURE.md), name by name: renaming a metric breaks users' dashboards, so it
    /// must be a deliberate change here too.
    @Test func contractNamesAreAllPresent() async {
        let contract: Set<String> = [
            "ipvs_up", "ipvs_exporter_build_info", "ipvs_exporter_source_info", "ipvs_scrape_collector_duration_seconds",
            "ipvs_scrape_collector_success", "ipvs_connections_total", "ipvs_incoming_packets_total",
            "ipvs_outgoing_packets_total", "ipvs_incoming_bytes_total", "ipvs_outgoing_bytes_total",
            "ipvs_connections_per_second", "ipvs_incoming_packets_per_second", "ipvs_outgoing_packets_per_second",
            "ipvs_incoming_bytes_per_second", "ipvs_outgoing_bytes_per_second", "ipvs_service_info",
            "ipvs_service_persistence_timeout_seconds", "ipvs_service_connections_total", "ipvs_service_incoming_packets_total",
            "ipvs_service_outgoing_packets_total", "ipvs_service_incoming_bytes_total", "ipvs_service_outgoing_bytes_total",
            "ipvs_service_connections_per_second", "ipvs_service_incoming_packets_per_second",
            "ipvs_service_outgoing_packets_per_second", "ipvs_service_incoming_bytes_per_second",
            "ipvs_service_outgoing_bytes_per_second", "ipvs_backend_info", "ipvs_backend_weight",
            "ipvs_backend_connections_active", "ipvs_backend_connections_inactive", "ipvs_backend_connections_persistent",
            "ipvs_backend_upper_threshold", "ipvs_backend_lower_threshold", "ipvs_backend_connections_total",
            "ipvs_backend_incoming_packets_total", "ipvs_backend_outgoing_packets_total", "ipvs_backend_incoming_bytes_total",
            "ipvs_backend_outgoing_bytes_total", "ipvs_backend_connections_per_second",
            "ipvs_backend_incoming_packets_per_second", "ipvs_backend_outgoing_packets_per_second",
            "ipvs_backend_incoming_bytes_per_second", "ipvs_backend_outgoing_bytes_per_second", "ipvs_timeout_seconds",
            "ipvs_connection_table_size", "ipvs_sync_daemon_info", "ipvs_connections", "ipvs_persistence_templates",
            "ipvs_connection_table_estimated_entries", "ipvs_backend_tunnel_info", "ipvs_sync_daemon_group_info",
            "ipvs_sync_daemon_port", "ipvs_sync_daemon_ttl", "ipvs_sync_daemon_max_message_bytes", "ipvs_sysctl",
            "ipvs_exporter_http_requests_total", "ipvs_exporter_http_requests_in_flight", "ipvs_exporter_http_refusals_total",
        ]
        let ipvsNames = Set(MetricCatalog.all.map(\.name).filter { $0.hasPrefix("ipvs_") })
        #expect(ipvsNames == contract)
    }

    @Test func labelsFollowNodeExporter() async {
        #expect(MetricCatalog.serviceLabels == ["proto", "local_address", "local_port", "local_mark"])
        #expect(MetricCatalog.backendLabels == MetricCatalog.serviceLabels + ["remote_address", "remote_port"])
        #expect(
            MetricCatalog.serviceInfo.labelNames.suffix(4) == ["scheduler", "flags", "persistence_engine", "persistence_netmask"])
        #expect(MetricCatalog.backendInfo.labelNames.suffix(2) == ["forwarding_method", "tunnel_type"])
        #expect(MetricCatalog.connections.labelNames.last == "state")
        #expect(MetricCatalog.timeout.labelNames == ["protocol"])
        #expect(MetricCatalog.syncDaemonInfo.labelNames == ["state", "interface", "syncid"])
    }

    /// Operators read the README's table; a metric missing from it is undocumented API.
    @Test func readmeDocumentsEveryMetric() async throws {
        let readme = try String(contentsOfFile: Fixtures.packageRoot + "/README.md", encoding: .utf8)
        for descriptor in MetricCatalog.all {
            #expect(readme.contains("`\(descriptor.name)`"), "README.md does not mention \(descriptor.name)")
        }
    }

    /// HELP texts read against the kernel source (net/netfilter/ipvs, 5.10, 6.1, 6.12); each
    /// pins the part an earlier text had wrong.
    @Test(arguments: [
        // ip_vs_core.c handle_response(): any reply that passes back through the director counts.
        ("ipvs_outgoing_packets_total", "passed through the director; only NAT replies always do"),
        ("ipvs_backend_outgoing_bytes_total", "passed through the director; only NAT replies always do"),
        // ip_vs_proto_tcp.c tcp_state_active_table (since be2cef49904b, v4.8): SYNACK too; SCTP
        // ESTABLISHED in set_sctp_state(); UDP never.
        (
            "ipvs_backend_connections_active",
            "SYN_SENT, SYN_RECV or SYNACK, or SCTP ESTABLISHED; UDP connections are never active"
        ),
        ("ipvs_backend_connections_inactive", "every UDP connection among them; persistence templates excluded"),
        // ip_vs_ctl.c __ip_vs_dest_update_overload(): overloaded once the count reaches u_threshold.
        ("ipvs_backend_upper_threshold", "at which a real server is marked overloaded"),
        // __ip_vs_update_dest(): l_threshold 0 means three quarters of u_threshold.
        ("ipvs_backend_lower_threshold", "three quarters of the upper threshold"),
        ("ipvs_timeout_seconds", "tcpfin (TCP FIN_WAIT only), udp (every UDP entry)"),
    ])
    func helpSaysWhatTheKernelCounts(_ name: String, _ text: String) throws {
        let descriptor = try #require(MetricCatalog.all.first { $0.name == name })
        #expect(descriptor.help.contains(text), "\(descriptor.help)")
        #expect(!descriptor.help.contains("NAT only") && !descriptor.help.contains("SYN_*"))
    }
}
