public import IPVSKernel
import IPVSModel

/// Virtual services: identity and settings as an info metric, persistence timeout, and, from
/// netlink, per-service traffic counters (their rates belong to ``RatesCollector``).
public struct ServicesCollector: Collector {
    public init() {}
    public var id: CollectorID { .services }

    static let infoLabels = ["scheduler", "flags", "persistence_engine", "persistence_netmask"]

    public func collect(_ context: ScrapeContext, into metrics: inout MetricSet) throws(IPVSReadError) {
        let services = try context.serviceTable().services
        let labels = try context.serviceLabels()
        let infoValues = services.map { service in
            [
                service.scheduler.name, service.flags.map { $0.names(scheduler: service.scheduler).joined(separator: ",") } ?? "",
                service.persistenceEngine ?? "", service.persistence?.netmask.description ?? "",
            ]
        }
        metrics.append(
            MetricFamily(MetricCatalog.serviceInfo, count: services.count) { range, w in
                for i in range {
                    w.sample(labels[i], extra: Self.infoLabels, infoValues[i], .unsigned(1))
                }
            })
        let persistent = services.indices.compactMap { i in services[i].persistence?.timeoutSeconds.map { (labels[i], $0) } }
        metrics.append(
            MetricFamily(MetricCatalog.servicePersistenceTimeout, count: persistent.count) { range, w in
                for i in range {
                    w.sample(persistent[i].0, .unsigned(UInt64(persistent[i].1)))
                }
            })
        TrafficFamilies.append(
            TrafficFamilies.serviceTotals, labels: labels,
            rows: services.indices.compactMap { i in services[i].counters.map { (i, $0) } }, to: &metrics)
    }
}
