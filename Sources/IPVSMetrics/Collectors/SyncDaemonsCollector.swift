public import IPVSKernel
import IPVSModel

/// Running connection-synchronisation daemons (`ipvsadm -L --daemon`); netlink only.
public struct SyncDaemonsCollector: Collector {
    public init() {}
    public var id: CollectorID { .syncDaemons }

    public func collect(_ context: ScrapeContext, into metrics: inout MetricSet) throws(IPVSReadError) {
        guard let daemons = try context.reader.syncDaemons() else { return }
        let samples = daemons.sorted { $0.state.rawValue < $1.state.rawValue }.map { daemon -> (Labels, SampleValue) in
            (
                Labels(["state", "interface", "syncid"], [daemon.state.label, daemon.interface, String(daemon.syncID)]),
                .unsigned(1)
            )
        }
        metrics.append(MetricFamily(MetricCatalog.syncDaemonInfo, samples: samples))
    }
}
