public import IPVSKernel
import IPVSModel

/// Director-wide counters from `/proc/net/ip_vs_stats` (its rates belong to ``RatesCollector``).
///
/// Read from /proc in both source modes: netlink has no director-wide totals.
public struct StatsCollector: Collector {
    public init() {}
    public var id: CollectorID { .stats }

    public func collect(_ context: ScrapeContext, into metrics: inout MetricSet) throws(IPVSReadError) {
        let stats: GlobalStats
        do throws(ProcFSError) { stats = try context.globalStats() } catch { throw IPVSReadError.from(error) }
        TrafficFamilies.append(
            TrafficFamilies.directorTotals, labels: LabelTable([.none]), rows: [(0, stats.counters)], to: &metrics)
    }
}
