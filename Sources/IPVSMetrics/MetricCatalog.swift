/// Every metric the exporter can emit: the public contract of the README's Metrics table
/// (ARCHITECTURE.md), in one place so that tests, the README table and the dashboard check all
/// read the same list.
public enum MetricCatalog {
    /// Labels of a virtual service, named as node_exporter's IPVS collector names them.
    public static let serviceLabels = BackendLabel.ofService.map(\.rawValue)
    /// Labels of a real server.
    public static let backendLabels = BackendLabel.inExporterOrder.map(\.rawValue)

    // MARK: Exporter

    public static let up = MetricDescriptor(
        "ipvs_up", .gauge, "Whether the IPVS service table was read in this scrape (1) or not (0).")
    public static let buildInfo = MetricDescriptor(
        "ipvs_exporter_build_info", .gauge, "Build of the running ipvs_exporter; always 1.",
        labels: ["version", "revision", "branch", "swift_version", "goos", "goarch"])
    public static let sourceInfo = MetricDescriptor(
        "ipvs_exporter_source_info", .gauge,
        "Kernel interface the IPVS state was read from in this scrape: netlink, or procfs when netlink was refused; absent when it could not be read.",
        labels: ["source"])
    public static let collectorDuration = MetricDescriptor(
        "ipvs_scrape_collector_duration_seconds", .gauge, "Time a collector took in this scrape.", labels: ["collector"])
    public static let collectorSuccess = MetricDescriptor(
        "ipvs_scrape_collector_success", .gauge, "Whether a collector succeeded in this scrape (1) or failed (0).",
        labels: ["collector"])

    public static let httpRequests = MetricDescriptor(
        "ipvs_exporter_http_requests_total", .counter,
        "HTTP requests answered, by path (other for every path the exporter does not serve) and status code.",
        labels: ["path", "code"])
    public static let httpRequestsInFlight = MetricDescriptor(
        "ipvs_exporter_http_requests_in_flight", .gauge, "HTTP requests received and not yet answered, this scrape included.")
    public static let httpRefusals = MetricDescriptor(
        "ipvs_exporter_http_refusals_total", .counter,
        "HTTP requests refused or connections closed early, by reason: max_requests (503), password_checks (429), body_too_large (413), request_timeout, write_timeout, response_timeout.",
        labels: ["reason"])

    // MARK: Director totals (/proc/net/ip_vs_stats)

    public static let connectionsTotal = MetricDescriptor(
        "ipvs_connections_total", .counter, "Connections scheduled by the director since IPVS was loaded or zeroed.")
    public static let incomingPacketsTotal = MetricDescriptor(
        "ipvs_incoming_packets_total", .counter, "Packets received by the director for virtual services.")
    public static let outgoingPacketsTotal = MetricDescriptor(
        "ipvs_outgoing_packets_total", .counter,
        "Packets from real servers back to clients that passed through the director; only NAT replies always do.")
    public static let incomingBytesTotal = MetricDescriptor(
        "ipvs_incoming_bytes_total", .counter, "Bytes received by the director for virtual services.")
    public static let outgoingBytesTotal = MetricDescriptor(
        "ipvs_outgoing_bytes_total", .counter,
        "Bytes from real servers back to clients that passed through the director; only NAT replies always do.")
    public static let connectionsPerSecond = MetricDescriptor(
        "ipvs_connections_per_second", .gauge,
        "Kernel estimate of new connections per second (about 8 s average, updated every 2 s).")
    public static let incomingPacketsPerSecond = MetricDescriptor(
        "ipvs_incoming_packets_per_second", .gauge, "Kernel estimate of incoming packets per second.")
    public static let outgoingPacketsPerSecond = MetricDescriptor(
        "ipvs_outgoing_packets_per_second", .gauge, "Kernel estimate of outgoing packets per second.")
    public static let incomingBytesPerSecond = MetricDescriptor(
        "ipvs_incoming_bytes_per_second", .gauge, "Kernel estimate of incoming bytes per second.")
    public static let outgoingBytesPerSecond = MetricDescriptor(
        "ipvs_outgoing_bytes_per_second", .gauge, "Kernel estimate of outgoing bytes per second.")

    // MARK: Virtual services

    public static let serviceInfo = MetricDescriptor(
        "ipvs_service_info", .gauge,
        "A virtual service and its settings; always 1. Labels the source cannot give are empty.",
        labels: serviceLabels + ["scheduler", "flags", "persistence_engine", "persistence_netmask"])
    public static let servicePersistenceTimeout = MetricDescriptor(
        "ipvs_service_persistence_timeout_seconds", .gauge, "Persistence timeout of a persistent virtual service.",
        labels: serviceLabels)
    public static let serviceConnectionsTotal = MetricDescriptor(
        "ipvs_service_connections_total", .counter, "Connections scheduled by a virtual service.", labels: serviceLabels)
    public static let serviceIncomingPacketsTotal = MetricDescriptor(
        "ipvs_service_incoming_packets_total", .counter, "Packets received by a virtual service.", labels: serviceLabels)
    public static let serviceOutgoingPacketsTotal = MetricDescriptor(
        "ipvs_service_outgoing_packets_total", .counter,
        "Packets from a virtual service's real servers back to clients that passed through the director; only NAT replies always do.",
        labels: serviceLabels)
    public static let serviceIncomingBytesTotal = MetricDescriptor(
        "ipvs_service_incoming_bytes_total", .counter, "Bytes received by a virtual service.", labels: serviceLabels)
    public static let serviceOutgoingBytesTotal = MetricDescriptor(
        "ipvs_service_outgoing_bytes_total", .counter,
        "Bytes from a virtual service's real servers back to clients that passed through the director; only NAT replies always do.",
        labels: serviceLabels)
    public static let serviceConnectionsPerSecond = MetricDescriptor(
        "ipvs_service_connections_per_second", .gauge, "Kernel estimate of a virtual service's new connections per second.",
        labels: serviceLabels)
    public static let serviceIncomingPacketsPerSecond = MetricDescriptor(
        "ipvs_service_incoming_packets_per_second", .gauge, "Kernel estimate of a virtual service's incoming packets per second.",
        labels: serviceLabels)
    public static let serviceOutgoingPacketsPerSecond = MetricDescriptor(
        "ipvs_service_outgoing_packets_per_second", .gauge, "Kernel estimate of a virtual service's outgoing packets per second.",
        labels: serviceLabels)
    public static let serviceIncomingBytesPerSecond = MetricDescriptor(
        "ipvs_service_incoming_bytes_per_second", .gauge, "Kernel estimate of a virtual service's incoming bytes per second.",
        labels: serviceLabels)
    public static let serviceOutgoingBytesPerSecond = MetricDescriptor(
        "ipvs_service_outgoing_bytes_per_second", .gauge, "Kernel estimate of a virtual service's outgoing bytes per second.",
        labels: serviceLabels)

    // MARK: Real servers

    public static let backendInfo = MetricDescriptor(
        "ipvs_backend_info", .gauge,
        "A real server of a virtual service and how packets reach it; always 1. Labels the source cannot give are empty.",
        labels: backendLabels + ["forwarding_method", "tunnel_type"])
    public static let backendTunnel = MetricDescriptor(
        "ipvs_backend_tunnel_info", .gauge,
        "Encapsulation of a tunnelling real server: tunnel_type ipip, gue or gre, tunnel_port (GUE's UDP port, else 0) and tunnel_checksum none, checksum or remote_checksum; always 1. Netlink on kernels 5.2 and later.",
        labels: backendLabels + ["tunnel_type", "tunnel_port", "tunnel_checksum"])
    public static let backendWeight = MetricDescriptor(
        "ipvs_backend_weight", .gauge, "Scheduling weight of a real server; 0 means quiesced.", labels: backendLabels)
    public static let backendActive = MetricDescriptor(
        "ipvs_backend_connections_active", .gauge,
        "Connections to a real server in an active state: TCP ESTABLISHED, SYN_SENT, SYN_RECV or SYNACK, or SCTP ESTABLISHED; UDP connections are never active.",
        labels: backendLabels)
    public static let backendInactive = MetricDescriptor(
        "ipvs_backend_connections_inactive", .gauge,
        "Connections to a real server not in an active state, every UDP connection among them; persistence templates excluded.",
        labels: backendLabels)
    public static let backendPersistent = MetricDescriptor(
        "ipvs_backend_connections_persistent", .gauge, "Persistence templates pointing at a real server.",
        labels: backendLabels)
    public static let backendUpperThreshold = MetricDescriptor(
        "ipvs_backend_upper_threshold", .gauge,
        "Connection count (active plus inactive) at which a real server is marked overloaded and the scheduler stops choosing it; absent for real servers without one.",
        labels: backendLabels)
    public static let backendLowerThreshold = MetricDescriptor(
        "ipvs_backend_lower_threshold", .gauge,
        "Connection count below which an overloaded real server is chosen again; absent when not set, and the kernel then uses three quarters of the upper threshold.",
        labels: backendLabels)
    public static let backendConnectionsTotal = MetricDescriptor(
        "ipvs_backend_connections_total", .counter, "Connections scheduled to a real server.", labels: backendLabels)
    public static let backendIncomingPacketsTotal = MetricDescriptor(
        "ipvs_backend_incoming_packets_total", .counter, "Packets forwarded to a real server.", labels: backendLabels)
    public static let backendOutgoingPacketsTotal = MetricDescriptor(
        "ipvs_backend_outgoing_packets_total", .counter,
        "Packets from a real server back to clients that passed through the director; only NAT replies always do.",
        labels: backendLabels)
    public static let backendIncomingBytesTotal = MetricDescriptor(
        "ipvs_backend_incoming_bytes_total", .counter, "Bytes forwarded to a real server.", labels: backendLabels)
    public static let backendOutgoingBytesTotal = MetricDescriptor(
        "ipvs_backend_outgoing_bytes_total", .counter,
        "Bytes from a real server back to clients that passed through the director; only NAT replies always do.",
        labels: backendLabels)
    public static let backendConnectionsPerSecond = MetricDescriptor(
        "ipvs_backend_connections_per_second", .gauge, "Kernel estimate of a real server's new connections per second.",
        labels: backendLabels)
    public static let backendIncomingPacketsPerSecond = MetricDescriptor(
        "ipvs_backend_incoming_packets_per_second", .gauge, "Kernel estimate of a real server's incoming packets per second.",
        labels: backendLabels)
    public static let backendOutgoingPacketsPerSecond = MetricDescriptor(
        "ipvs_backend_outgoing_packets_per_second", .gauge, "Kernel estimate of a real server's outgoing packets per second.",
        labels: backendLabels)
    public static let backendIncomingBytesPerSecond = MetricDescriptor(
        "ipvs_backend_incoming_bytes_per_second", .gauge, "Kernel estimate of a real server's incoming bytes per second.",
        labels: backendLabels)
    public static let backendOutgoingBytesPerSecond = MetricDescriptor(
        "ipvs_backend_outgoing_bytes_per_second", .gauge, "Kernel estimate of a real server's outgoing bytes per second.",
        labels: backendLabels)

    // MARK: Kernel settings

    public static let timeout = MetricDescriptor(
        "ipvs_timeout_seconds", .gauge,
        "Idle timeouts of IPVS connection entries, as set with ipvsadm --set: tcp (TCP ESTABLISHED), tcpfin (TCP FIN_WAIT only), udp (every UDP entry).",
        labels: ["protocol"])
    public static let connectionTableSize = MetricDescriptor(
        "ipvs_connection_table_size", .gauge, "Buckets in the kernel's IPVS connection hash table (not a connection limit).")
    public static let syncDaemonInfo = MetricDescriptor(
        "ipvs_sync_daemon_info", .gauge, "A running connection synchronisation daemon; always 1.",
        labels: syncDaemonLabels)
    /// Labels of a sync daemon.
    public static let syncDaemonLabels = ["state", "interface", "syncid"]
    public static let syncDaemonGroup = MetricDescriptor(
        "ipvs_sync_daemon_group_info", .gauge,
        "Multicast group a sync daemon sends to (master) or listens on (backup); always 1. Absent on kernels that do not report it.",
        labels: syncDaemonLabels + ["group"])
    public static let syncDaemonPort = MetricDescriptor(
        "ipvs_sync_daemon_port", .gauge, "UDP port of a sync daemon's multicast messages (--mcast-port).",
        labels: syncDaemonLabels)
    public static let syncDaemonTTL = MetricDescriptor(
        "ipvs_sync_daemon_ttl", .gauge, "Multicast TTL of a master sync daemon's messages (--mcast-ttl).",
        labels: syncDaemonLabels)
    public static let syncDaemonMaxMessageBytes = MetricDescriptor(
        "ipvs_sync_daemon_max_message_bytes", .gauge,
        "Largest sync message a daemon sends or accepts, in bytes (--sync-maxlen; by default from the interface's MTU).",
        labels: syncDaemonLabels)

    // MARK: Sysctls (/proc/sys/net/ipv4/vs)

    public static let sysctl = MetricDescriptor(
        "ipvs_sysctl", .gauge,
        "An integer IPVS sysctl of this network namespace, /proc/sys/net/ipv4/vs/<name>; sync_threshold's second number is name=\"sync_period\".",
        labels: ["name"])

    // MARK: Connection table (/proc/net/ip_vs_conn)

    public static let connections = MetricDescriptor(
        "ipvs_connections", .gauge, "Connection table entries by real server and state, persistence templates excluded.",
        labels: backendLabels + ["state"])
    public static let connectionTableEstimatedEntries = MetricDescriptor(
        "ipvs_connection_table_estimated_entries", .gauge,
        "Connection table entries estimated from the real servers' active, inactive and (netlink) persistent counts; above --collector.connections.max-entries the table is not read."
    )
    public static let persistenceTemplates = MetricDescriptor(
        "ipvs_persistence_templates", .gauge, "Persistence template entries in the connection table by real server.",
        labels: backendLabels)

    // MARK: Process

    public static let processCPU = MetricDescriptor(
        "process_cpu_seconds_total", .counter, "Total user and system CPU time spent in seconds.")
    public static let processResidentMemory = MetricDescriptor(
        "process_resident_memory_bytes", .gauge, "Resident memory size in bytes.")
    public static let processVirtualMemory = MetricDescriptor(
        "process_virtual_memory_bytes", .gauge, "Virtual memory size in bytes.")
    public static let processVirtualMemoryMax = MetricDescriptor(
        "process_virtual_memory_max_bytes", .gauge, "Maximum amount of virtual memory available in bytes.")
    public static let processStartTime = MetricDescriptor(
        "process_start_time_seconds", .gauge, "Start time of the process since unix epoch in seconds.")
    public static let processOpenFDs = MetricDescriptor(
        "process_open_fds", .gauge, "Number of open file descriptors.")
    public static let processMaxFDs = MetricDescriptor(
        "process_max_fds", .gauge, "Maximum number of open file descriptors.")

    /// Every descriptor, for the contract tests and the README table.
    public static let all: [MetricDescriptor] = [
        up, buildInfo, sourceInfo, collectorDuration, collectorSuccess, httpRequests, httpRequestsInFlight, httpRefusals,
        connectionsTotal, incomingPacketsTotal, outgoingPacketsTotal, incomingBytesTotal, outgoingBytesTotal,
        connectionsPerSecond, incomingPacketsPerSecond, outgoingPacketsPerSecond, incomingBytesPerSecond,
        outgoingBytesPerSecond,
        serviceInfo, servicePersistenceTimeout, serviceConnectionsTotal, serviceIncomingPacketsTotal,
        serviceOutgoingPacketsTotal, serviceIncomingBytesTotal, serviceOutgoingBytesTotal, serviceConnectionsPerSecond,
        serviceIncomingPacketsPerSecond, serviceOutgoingPacketsPerSecond, serviceIncomingBytesPerSecond,
        serviceOutgoingBytesPerSecond,
        backendInfo, backendWeight, backendActive, backendInactive, backendPersistent, backendUpperThreshold,
        backendLowerThreshold, backendConnectionsTotal, backendIncomingPacketsTotal, backendOutgoingPacketsTotal,
        backendIncomingBytesTotal, backendOutgoingBytesTotal, backendConnectionsPerSecond,
        backendIncomingPacketsPerSecond, backendOutgoingPacketsPerSecond, backendIncomingBytesPerSecond,
        backendOutgoingBytesPerSecond,
        backendTunnel, timeout, connectionTableSize, syncDaemonInfo, syncDaemonGroup, syncDaemonPort, syncDaemonTTL,
        syncDaemonMaxMessageBytes, sysctl, connections, persistenceTemplates, connectionTableEstimatedEntries,
        processCPU, processResidentMemory, processVirtualMemory, processVirtualMemoryMax, processStartTime,
        processOpenFDs, processMaxFDs,
    ]
}
