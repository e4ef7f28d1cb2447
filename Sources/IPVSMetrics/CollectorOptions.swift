/// The settings of collectors that have any (`--collector.<name>.<setting>`).
public struct CollectorOptions: Sendable, Hashable {
    /// In the kernel lab (6.1 under QEMU's emulated CPU, a kernel that walks the table from its
    /// start at every read) a scrape took 0.85 s at 20,000 entries, 2.3 s at 40,000 and 10 s at
    /// 80,000: 40,000 keeps the slowest setting measured well under Prometheus' 10 s timeout.
    public static let defaultConnectionsMaxEntries = 40_000
    /// Half of Prometheus' default scrape timeout, leaving the rest of the scrape its time.
    public static let defaultConnectionsTimeBudget: Duration = .seconds(5)

    /// Above this many estimated entries the connections collector does not read the table;
    /// nil reads it whatever its size (`--collector.connections.max-entries 0`).
    public var connectionsMaxEntries: Int?
    /// How long one read of the connection table may take before it is abandoned.
    public var connectionsTimeBudget: Duration
    /// The labels the node_exporter backend families keep (`--collector.ipvs.backend-labels`).
    public var nodeExporterBackendLabels: [BackendLabel]
    /// How the real-server families of the backends, rates and connections collectors label
    /// their rows (`--collector.backends.labels`).
    public var backendGrouping: BackendGrouping
    /// Whose rates the rates collector serves: those whose own collector is on.
    public var rateScopes: Set<RatesCollector.Scope>

    public init(
        connectionsMaxEntries: Int? = defaultConnectionsMaxEntries,
        connectionsTimeBudget: Duration = defaultConnectionsTimeBudget,
        nodeExporterBackendLabels: [BackendLabel] = BackendLabel.allCases,
        backendGrouping: BackendGrouping = .none,
        rateScopes: Set<RatesCollector.Scope> = Set(RatesCollector.Scope.allCases)
    ) {
        self.connectionsMaxEntries = connectionsMaxEntries
        self.connectionsTimeBudget = connectionsTimeBudget
        self.nodeExporterBackendLabels = nodeExporterBackendLabels
        self.backendGrouping = backendGrouping
        self.rateScopes = rateScopes
    }
}
