public import IPVS

/// The tcp, tcpfin and udp timeouts (`ipvsadm -L --timeout`); netlink only.
public struct TimeoutsCollector: Collector {
    public init() {}
    public var name: String { "timeouts" }
    public var summary: String { "tcp, tcpfin and udp timeouts (netlink)" }

    public func collect(_ context: ScrapeContext, into metrics: inout MetricSet) throws(IPVSReadError) {
        guard let timeouts = try context.reader.timeouts() else { return }
        let family = metrics.family(MetricCatalog.timeout)
        for (name, value) in [("tcp", timeouts.tcp), ("tcpfin", timeouts.tcpFin), ("udp", timeouts.udp)] {
            metrics.add(family, Labels(["protocol"], [name]), .unsigned(UInt64(value)))
        }
    }
}
