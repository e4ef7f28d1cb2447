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

    public init(
        maxEntries: Int? = CollectorOptions.defaultConnectionsMaxEntries,
        timeBudget: Duration? = CollectorOptions.defaultConnectionsTimeBudget
    ) {
        self.maxEntries = maxEntries
        self.timeBudget = timeBudget
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
        var entries: [(Labels, SampleValue)] = []
        var templates: [(Labels, SampleValue)] = []
        entries.reserveCapacity(attributed.byState.count * 3)
        // Sorted by service, then real server; the service's labels are built once per service,
        // not once per real server (a big table has tens of thousands of backends).
        var backends = Array(attributed.byState.keys)
        backends.append(contentsOf: attributed.templates.keys.filter { attributed.byState[$0] == nil })
        backends.sort()
        var service: (id: VirtualServiceID, builder: Labels.Builder)?
        for backend in backends {
            if service?.id != backend.service { service = (backend.service, backend.service.labelBuilder) }
            let labels = service!.builder.backend(address: backend.address, port: backend.port)
            if let states = attributed.byState[backend] {
                for (state, count) in states.sorted(by: { $0.key < $1.key }) {
                    var withState = Labels.Builder(labels)
                    withState.add("state", state)
                    entries.append((withState.labels, .unsigned(count)))
                }
            }
            if let count = attributed.templates[backend] {
                templates.append((labels, .unsigned(count)))
            }
        }
        metrics.append(MetricFamily(MetricCatalog.connections, samples: entries))
        metrics.append(MetricFamily(MetricCatalog.persistenceTemplates, samples: templates))
    }
}
