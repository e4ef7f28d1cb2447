public import IPVSKernel
import IPVSModel

/// Connection-table entries by real server and state, and persistence templates, from
/// `/proc/net/ip_vs_conn` (no netlink command lists connections).
///
/// The file is streamed into counts. Its cost to the kernel grows with the square of the
/// table on most kernels in the field (each read(2) walks the hash table from its start), so
/// the table's size is estimated first, from the real servers' counts, and the file is not read
/// above `maxEntries`; a read that runs past `timeBudget` anyway is abandoned.
public struct ConnectionsCollector: Collector {
    public let maxEntries: Int?
    public let timeBudget: Duration?
    /// Its families are real-server families: summed over the same rows as the backends
    /// collector's (`--collector.backends.labels`).
    public let grouping: BackendGrouping

    public init(
        maxEntries: Int? = CollectorOptions.defaultConnectionsMaxEntries,
        timeBudget: Duration? = CollectorOptions.defaultConnectionsTimeBudget,
        grouping: BackendGrouping = .none
    ) {
        self.maxEntries = maxEntries
        self.timeBudget = timeBudget
        self.grouping = grouping
    }

    public var id: CollectorID { .connections }

    /// Entries the table holds at least: every active and inactive connection and, where the
    /// source gives them (netlink), every persistence template.
    public static func estimatedEntries(_ table: ServiceTable) -> UInt64 {
        var total: UInt64 = 0
        for service in table.services {
            for server in service.realServers {
                // Summed field by field: this runs on every scrape, once per real server.
                total &+=
                    UInt64(max(0, server.activeConnections)) &+ UInt64(max(0, server.inactiveConnections))
                    &+ UInt64(max(0, server.persistentConnections ?? 0))
            }
        }
        return total
    }

    public func collect(_ context: ScrapeContext, into metrics: inout MetricSet) throws(IPVSReadError) {
        let table = try context.serviceTable()
        let estimate = Self.estimatedEntries(table)
        metrics.add(MetricCatalog.connectionTableEstimatedEntries, .none, .unsigned(estimate))
        if let maxEntries, estimate > UInt64(max(0, maxEntries)) {
            throw .skipped(
                "the connection table holds about \(estimate) entries, more than --collector.connections.max-entries \(maxEntries); reading it would cost the kernel too much"
            )
        }
        let counts: ConnectionCounts
        do throws(ProcFSError) { counts = try context.procfs.connectionCounts(budget: timeBudget) } catch {
            throw IPVSReadError.from(error)
        }
        let attributed = ConnectionAttribution.attribute(counts, to: table.services)
        // Rows in order of first appearance (services, then real servers, sorted); the
        // service's labels are built once per service, not once per real server (a big table
        // has tens of thousands of backends). Without summing, each real server is its own row.
        var backends = Array(attributed.byState.keys)
        backends.append(contentsOf: attributed.templates.keys.filter { attributed.byState[$0] == nil })
        backends.sort()
        var rows: [Labels] = []
        var rowIndex: [Labels: Int] = [:]
        var states: [[String: UInt64]] = []
        var templates: [UInt64?] = []
        var service: (id: VirtualServiceID, builder: Labels.Builder)?
        for backend in backends {
            if service?.id != backend.service { service = (backend.service, grouping.builder(backend.service)) }
            let labels = grouping.labels(service!.builder, address: backend.address, port: backend.port)
            let row: Int
            if grouping.aggregates, let known = rowIndex[labels] {
                row = known
            } else {
                row = rows.count
                if grouping.aggregates { rowIndex[labels] = row }
                rows.append(labels)
                states.append([:])
                templates.append(nil)
            }
            for (state, count) in attributed.byState[backend] ?? [:] { states[row][state, default: 0] &+= count }
            if let count = attributed.templates[backend] { templates[row] = (templates[row] ?? 0) &+ count }
        }
        var entries: [(Labels, SampleValue)] = []
        entries.reserveCapacity(rows.count * 3)
        for (row, labels) in rows.enumerated() {
            for (state, count) in states[row].sorted(by: { $0.key < $1.key }) {
                var withState = Labels.Builder(labels)
                withState.add("state", state)
                entries.append((withState.labels, .unsigned(count)))
            }
        }
        let templateSamples = rows.indices.compactMap { row in templates[row].map { (rows[row], SampleValue.unsigned($0)) } }
        metrics.append(MetricFamily(MetricCatalog.connections, samples: entries))
        metrics.append(MetricFamily(MetricCatalog.persistenceTemplates, samples: templateSamples))
    }
}
