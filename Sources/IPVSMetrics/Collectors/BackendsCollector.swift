public import IPVS

/// Real servers: forwarding method, weight, connection counts, and from netlink persistent
/// connections, thresholds, traffic counters and rates.
public struct BackendsCollector: Collector {
    public init() {}
    public var name: String { "backends" }
    public var summary: String { "real servers: weight, connections, thresholds and traffic (netlink)" }

    public func collect(_ context: ScrapeContext, into metrics: inout MetricSet) throws(IPVSReadError) {
        let table = try context.serviceTable()
        let info = metrics.family(MetricCatalog.backendInfo)
        let weight = metrics.family(MetricCatalog.backendWeight)
        let active = metrics.family(MetricCatalog.backendActive)
        let inactive = metrics.family(MetricCatalog.backendInactive)
        let persistent = metrics.family(MetricCatalog.backendPersistent)
        let upper = metrics.family(MetricCatalog.backendUpperThreshold)
        let lower = metrics.family(MetricCatalog.backendLowerThreshold)
        let counters = CounterFamilies.backend(&metrics)
        for service in table.services {
            for server in service.realServers {
                let labels = service.id.backendLabels(address: server.address, port: server.port)
                let tunnelType = server.forwarding == .tunneling ? server.tunnel?.kind.label ?? "" : ""
                metrics.add(
                    info, labels.appending(["forwarding_method", "tunnel_type"], [server.forwarding.label, tunnelType]),
                    .unsigned(1))
                metrics.add(weight, labels, .unsigned(UInt64(server.weight)))
                metrics.add(active, labels, .signed(server.activeConnections))
                metrics.add(inactive, labels, .signed(server.inactiveConnections))
                if let value = server.persistentConnections { metrics.add(persistent, labels, .signed(value)) }
                if let value = server.upperThreshold { metrics.add(upper, labels, .unsigned(UInt64(value))) }
                if let value = server.lowerThreshold { metrics.add(lower, labels, .unsigned(UInt64(value))) }
                counters.add(server.counters, server.rates, labels, to: &metrics)
            }
        }
    }
}
