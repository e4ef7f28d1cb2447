public import IPVSKernel
import IPVSModel

/// Running connection-synchronisation daemons (`ipvsadm -L --daemon`) and how they talk:
/// multicast group, port, TTL and message size, where the kernel reports them; netlink only.
public struct SyncDaemonsCollector: Collector {
    public init() {}
    public var id: CollectorID { .syncDaemons }

    public func collect(_ context: ScrapeContext, into metrics: inout MetricSet) throws(IPVSReadError) {
        guard let daemons = try context.reader.syncDaemons() else { return }
        let sorted = daemons.sorted { $0.state.rawValue < $1.state.rawValue }
        let labels = sorted.map { Labels(MetricCatalog.syncDaemonLabels, [$0.state.label, $0.interface, String($0.syncID)]) }
        metrics.append(MetricFamily(MetricCatalog.syncDaemonInfo, samples: labels.map { ($0, .unsigned(1)) }))
        // Each only for the daemons the kernel gave it for (4.3 and later give all four).
        func family(_ descriptor: MetricDescriptor, _ value: (SyncDaemon) -> SampleValue?) {
            let samples = zip(labels, sorted).compactMap { labels, daemon in value(daemon).map { (labels, $0) } }
            if !samples.isEmpty { metrics.append(MetricFamily(descriptor, samples: samples)) }
        }
        let groups = zip(labels, sorted).compactMap { labels, daemon in
            daemon.group.map { (labels.appending(["group"], [$0.description]), SampleValue.unsigned(1)) }
        }
        if !groups.isEmpty { metrics.append(MetricFamily(MetricCatalog.syncDaemonGroup, samples: groups)) }
        family(MetricCatalog.syncDaemonPort) { $0.port.map { .unsigned(UInt64($0)) } }
        family(MetricCatalog.syncDaemonTTL) { $0.ttl.map { .unsigned(UInt64($0)) } }
        family(MetricCatalog.syncDaemonMaxMessageBytes) { $0.maxLength.map { .unsigned(UInt64($0)) } }
    }
}
