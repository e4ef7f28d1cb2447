public import IPVSKernel
import IPVSModel

/// Connection-table entries by real server and state, and persistence templates, from
/// `/proc/net/ip_vs_conn` (no netlink command lists connections).
///
/// The file is streamed into counts; its cost grows with the number of connections, so large
/// directors may want `--no-collector.connections`.
public struct ConnectionsCollector: Collector {
    public init() {}
    public var id: CollectorID { .connections }

    public func collect(_ context: ScrapeContext, into metrics: inout MetricSet) throws(IPVSReadError) {
        let table = try context.serviceTable()
        let counts: ConnectionCounts
        do throws(ProcFSError) { counts = try context.procfs.connectionCounts() } catch { throw IPVSReadError.from(error) }
        let attributed = ConnectionAttribution.attribute(counts, to: table.services)
        var entries: [(Labels, SampleValue)] = []
        var templates: [(Labels, SampleValue)] = []
        for backend in Set(attributed.byState.keys).union(attributed.templates.keys).sorted() {
            let labels = backend.service.backendLabels(address: backend.address, port: backend.port)
            if let states = attributed.byState[backend] {
                for (state, count) in states.sorted(by: { $0.key < $1.key }) {
                    entries.append((labels.appending(["state"], [state]), .unsigned(count)))
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
