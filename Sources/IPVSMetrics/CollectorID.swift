/// Every collector the exporter has.
///
/// The one list behind the `--collector.<name>`/`--no-collector.<name>` flags, their help text,
/// what runs by default and the `collector` label: a new case does not compile until it names
/// its collector and its help, and it gets its flag without another line elsewhere
/// (node_exporter's `registerCollector` does the same for Go).
public enum CollectorID: String, CaseIterable, Sendable, Comparable {
    case backends
    case connections
    case info
    /// node_exporter's `node_ipvs_*` families (`--compat.node-exporter`).
    case nodeExporter = "node_exporter"
    case rates
    case services
    case stats
    /// Spelled with `_` like node_exporter's collectors (`--no-collector.sync_daemons`).
    case syncDaemons = "sync_daemons"
    case sysctls
    case timeouts

    /// snake_case: the `collector` label and the flag's suffix.
    public var name: String { rawValue }

    /// What the `--help` text says about it.
    public var summary: String {
        switch self {
        case .backends: "Real servers: weight, connections, thresholds, traffic counters."
        case .connections: "Connection table by real server and state (reads all of /proc/net/ip_vs_conn)."
        case .info: "Connection hash table size."
        case .nodeExporter: "node_exporter's node_ipvs_* families, as its ipvs collector serves them."
        case .rates: "The kernel's rate estimates (*_per_second) of what stats, services and backends serve."
        case .services: "Virtual services: settings, persistence, traffic counters."
        case .stats: "Director totals (/proc/net/ip_vs_stats)."
        case .syncDaemons: "Running sync daemons (netlink)."
        case .sysctls: "Integer IPVS sysctls (/proc/sys/net/ipv4/vs)."
        case .timeouts: "tcp, tcpfin and udp timeouts (netlink)."
        }
    }

    /// Whether it runs when no flag names it: all but the node_exporter families, which only
    /// a director moving from node_exporter wants.
    public var enabledByDefault: Bool { self != .nodeExporter }

    /// Whether it has the generated `--collector.<name>` pair. The node_exporter families are
    /// switched by `--compat.node-exporter` alone, the name node_exporter users look for.
    public var hasToggle: Bool { self != .nodeExporter }

    public func collector(_ options: CollectorOptions = CollectorOptions()) -> any Collector {
        switch self {
        case .backends: BackendsCollector(grouping: options.backendGrouping)
        case .connections:
            ConnectionsCollector(
                maxEntries: options.connectionsMaxEntries, timeBudget: options.connectionsTimeBudget,
                grouping: options.backendGrouping)
        case .info: InfoCollector()
        case .nodeExporter: NodeExporterCollector(backendLabels: options.nodeExporterBackendLabels)
        case .rates: RatesCollector(scopes: options.rateScopes, grouping: options.backendGrouping)
        case .services: ServicesCollector()
        case .stats: StatsCollector()
        case .syncDaemons: SyncDaemonsCollector()
        case .sysctls: SysctlsCollector()
        case .timeouts: TimeoutsCollector()
        }
    }

    public static func < (lhs: CollectorID, rhs: CollectorID) -> Bool { lhs.rawValue < rhs.rawValue }
}
