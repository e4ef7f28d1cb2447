public import IPVSKernel
import IPVSModel

/// The tcp, tcpfin and udp timeouts (`ipvsadm -L --timeout`); netlink only.
public struct TimeoutsCollector: Collector {
    public init() {}
    public var id: CollectorID { .timeouts }

    public func collect(_ context: ScrapeContext, into metrics: inout MetricSet) throws(IPVSReadError) {
        guard let timeouts = try context.reader.timeouts() else { return }
        metrics.append(
            MetricFamily(
                MetricCatalog.timeout,
                samples: [("tcp", timeouts.tcp), ("tcpfin", timeouts.tcpFin), ("udp", timeouts.udp)].map {
                    (Labels(["protocol"], [$0.0]), .unsigned(UInt64($0.1)))
                }))
    }
}
