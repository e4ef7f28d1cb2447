public import IPVSKernel
import IPVSModel

/// The connection hash table size (GET_INFO, or the `size=` in /proc/net/ip_vs's header).
public struct InfoCollector: Collector {
    public init() {}
    public var id: CollectorID { .info }

    public func collect(_ context: ScrapeContext, into metrics: inout MetricSet) throws(IPVSReadError) {
        let table = try context.serviceTable()
        metrics.add(MetricCatalog.connectionTableSize, .none, .unsigned(UInt64(table.info.connectionTableSize)))
    }
}
