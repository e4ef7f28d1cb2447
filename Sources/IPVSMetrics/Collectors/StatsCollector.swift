public import IPVSKernel
import IPVSModel

/// Director-wide counters and estimator rates from `/proc/net/ip_vs_stats`.
///
/// Read from /proc in both source modes: netlink has no director-wide totals.
public struct StatsCollector: Collector {
    public init() {}
    public var id: CollectorID { .stats }

    public func collect(_ context: ScrapeContext, into metrics: inout MetricSet) throws(IPVSReadError) {
        let stats: GlobalStats
        do throws(ProcFSError) { stats = try context.globalStats() } catch { throw IPVSReadError.from(error) }
        let c = stats.counters
        let r = stats.rates
        metrics.add(MetricCatalog.connectionsTotal, .none, .unsigned(c.connections))
        metrics.add(MetricCatalog.incomingPacketsTotal, .none, .unsigned(c.incomingPackets))
        metrics.add(MetricCatalog.outgoingPacketsTotal, .none, .unsigned(c.outgoingPackets))
        metrics.add(MetricCatalog.incomingBytesTotal, .none, .unsigned(c.incomingBytes))
        metrics.add(MetricCatalog.outgoingBytesTotal, .none, .unsigned(c.outgoingBytes))
        metrics.add(MetricCatalog.connectionsPerSecond, .none, .unsigned(r.connections))
        metrics.add(MetricCatalog.incomingPacketsPerSecond, .none, .unsigned(r.incomingPackets))
        metrics.add(MetricCatalog.outgoingPacketsPerSecond, .none, .unsigned(r.outgoingPackets))
        metrics.add(MetricCatalog.incomingBytesPerSecond, .none, .unsigned(r.incomingBytes))
        metrics.add(MetricCatalog.outgoingBytesPerSecond, .none, .unsigned(r.outgoingBytes))
    }
}
