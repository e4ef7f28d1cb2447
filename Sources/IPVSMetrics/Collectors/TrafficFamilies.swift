import IPVS

/// The ten counter and rate families a service or a real server has, over prepared arrays.
struct TrafficFamilies {
    static let serviceTotals = [
        MetricCatalog.serviceConnectionsTotal, MetricCatalog.serviceIncomingPacketsTotal, MetricCatalog.serviceOutgoingPacketsTotal,
        MetricCatalog.serviceIncomingBytesTotal, MetricCatalog.serviceOutgoingBytesTotal,
    ]
    static let serviceRates = [
        MetricCatalog.serviceConnectionsPerSecond, MetricCatalog.serviceIncomingPacketsPerSecond,
        MetricCatalog.serviceOutgoingPacketsPerSecond, MetricCatalog.serviceIncomingBytesPerSecond,
        MetricCatalog.serviceOutgoingBytesPerSecond,
    ]
    static let backendTotals = [
        MetricCatalog.backendConnectionsTotal, MetricCatalog.backendIncomingPacketsTotal, MetricCatalog.backendOutgoingPacketsTotal,
        MetricCatalog.backendIncomingBytesTotal, MetricCatalog.backendOutgoingBytesTotal,
    ]
    static let backendRates = [
        MetricCatalog.backendConnectionsPerSecond, MetricCatalog.backendIncomingPacketsPerSecond,
        MetricCatalog.backendOutgoingPacketsPerSecond, MetricCatalog.backendIncomingBytesPerSecond,
        MetricCatalog.backendOutgoingBytesPerSecond,
    ]

    static let counterFields: [@Sendable (TrafficCounters) -> UInt64] = [
        { $0.connections }, { $0.incomingPackets }, { $0.outgoingPackets }, { $0.incomingBytes }, { $0.outgoingBytes },
    ]
    static let rateFields: [@Sendable (TrafficRates) -> UInt64] = [
        { $0.connections }, { $0.incomingPackets }, { $0.outgoingPackets }, { $0.incomingBytes }, { $0.outgoingBytes },
    ]

    /// Appends the families for the objects that have counters (netlink); none for /proc.
    /// `counters` and `rates` pair an index into `labels` with the values.
    static func append(
        totals: [MetricDescriptor], rates rateDescriptors: [MetricDescriptor], labels: [Labels],
        counters: [(Int, TrafficCounters)], rates: [(Int, TrafficRates)], to metrics: inout MetricSet
    ) {
        if !counters.isEmpty {
            for (descriptor, field) in zip(totals, counterFields) {
                metrics.append(MetricFamily(descriptor, count: counters.count) { i, w in
                    w.sample(labels[counters[i].0], .unsigned(field(counters[i].1)))
                })
            }
        }
        if !rates.isEmpty {
            for (descriptor, field) in zip(rateDescriptors, rateFields) {
                metrics.append(MetricFamily(descriptor, count: rates.count) { i, w in
                    w.sample(labels[rates[i].0], .unsigned(field(rates[i].1)))
                })
            }
        }
    }
}
