public import IPVS

/// Virtual services: identity and settings as an info metric, persistence timeout, and, from
/// netlink, per-service traffic counters and rates.
public struct ServicesCollector: Collector {
    public init() {}
    public var name: String { "services" }
    public var summary: String { "virtual services: settings, persistence, traffic (netlink)" }

    public func collect(_ context: ScrapeContext, into metrics: inout MetricSet) throws(IPVSReadError) {
        let table = try context.serviceTable()
        let info = metrics.family(MetricCatalog.serviceInfo)
        let timeout = metrics.family(MetricCatalog.servicePersistenceTimeout)
        let counters = CounterFamilies.service(&metrics)
        for service in table.services {
            let labels = service.id.labels
            let flags = service.flags.map { $0.names(scheduler: service.scheduler).joined(separator: ",") } ?? ""
            metrics.add(
                info,
                labels.appending(
                    ["scheduler", "flags", "persistence_engine", "persistence_netmask"],
                    [service.scheduler, flags, service.persistenceEngine ?? "", service.persistence?.netmask.description ?? ""]),
                .unsigned(1))
            if let seconds = service.persistence?.timeoutSeconds {
                metrics.add(timeout, labels, .unsigned(UInt64(seconds)))
            }
            counters.add(service.counters, service.rates, labels, to: &metrics)
        }
    }
}

/// The ten counter and rate families a service or a real server has, resolved once.
struct CounterFamilies {
    var totals: [MetricSet.FamilyHandle]
    var rates: [MetricSet.FamilyHandle]

    static func service(_ metrics: inout MetricSet) -> CounterFamilies {
        CounterFamilies(
            totals: [
                MetricCatalog.serviceConnectionsTotal, MetricCatalog.serviceIncomingPacketsTotal,
                MetricCatalog.serviceOutgoingPacketsTotal, MetricCatalog.serviceIncomingBytesTotal,
                MetricCatalog.serviceOutgoingBytesTotal,
            ].map { metrics.family($0) },
            rates: [
                MetricCatalog.serviceConnectionsPerSecond, MetricCatalog.serviceIncomingPacketsPerSecond,
                MetricCatalog.serviceOutgoingPacketsPerSecond, MetricCatalog.serviceIncomingBytesPerSecond,
                MetricCatalog.serviceOutgoingBytesPerSecond,
            ].map { metrics.family($0) })
    }

    static func backend(_ metrics: inout MetricSet) -> CounterFamilies {
        CounterFamilies(
            totals: [
                MetricCatalog.backendConnectionsTotal, MetricCatalog.backendIncomingPacketsTotal,
                MetricCatalog.backendOutgoingPacketsTotal, MetricCatalog.backendIncomingBytesTotal,
                MetricCatalog.backendOutgoingBytesTotal,
            ].map { metrics.family($0) },
            rates: [
                MetricCatalog.backendConnectionsPerSecond, MetricCatalog.backendIncomingPacketsPerSecond,
                MetricCatalog.backendOutgoingPacketsPerSecond, MetricCatalog.backendIncomingBytesPerSecond,
                MetricCatalog.backendOutgoingBytesPerSecond,
            ].map { metrics.family($0) })
    }

    func add(_ counters: TrafficCounters?, _ rates: TrafficRates?, _ labels: Labels, to metrics: inout MetricSet) {
        if let c = counters {
            let values = [c.connections, c.incomingPackets, c.outgoingPackets, c.incomingBytes, c.outgoingBytes]
            for (family, value) in zip(totals, values) { metrics.add(family, labels, .unsigned(value)) }
        }
        if let r = rates {
            let values = [r.connections, r.incomingPackets, r.outgoingPackets, r.incomingBytes, r.outgoingBytes]
            for (family, value) in zip(self.rates, values) { metrics.add(family, labels, .unsigned(value)) }
        }
    }
}
