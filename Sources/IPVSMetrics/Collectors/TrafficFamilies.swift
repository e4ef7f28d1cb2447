import IPVSModel

/// The ten counter and rate families a service or a real server has, over prepared arrays.
struct TrafficFamilies {
    static let serviceTotals = [
        MetricCatalog.serviceConnectionsTotal, MetricCatalog.serviceIncomingPacketsTotal,
        MetricCatalog.serviceOutgoingPacketsTotal,
        MetricCatalog.serviceIncomingBytesTotal, MetricCatalog.serviceOutgoingBytesTotal,
    ]
    static let serviceRates = [
        MetricCatalog.serviceConnectionsPerSecond, MetricCatalog.serviceIncomingPacketsPerSecond,
        MetricCatalog.serviceOutgoingPacketsPerSecond, MetricCatalog.serviceIncomingBytesPerSecond,
        MetricCatalog.serviceOutgoingBytesPerSecond,
    ]
    static let backendTotals = [
        MetricCatalog.backendConnectionsTotal, MetricCatalog.backendIncomingPacketsTotal,
        MetricCatalog.backendOutgoingPacketsTotal,
        MetricCatalog.backendIncomingBytesTotal, MetricCatalog.backendOutgoingBytesTotal,
    ]
    static let backendRates = [
        MetricCatalog.backendConnectionsPerSecond, MetricCatalog.backendIncomingPacketsPerSecond,
        MetricCatalog.backendOutgoingPacketsPerSecond, MetricCatalog.backendIncomingBytesPerSecond,
        MetricCatalog.backendOutgoingBytesPerSecond,
    ]

    /// Appends the families for the objects that have counters (netlink); none for /proc.
    /// `counters` and `rates` pair an index into `labels` with the values. The values are
    /// split into plain columns first, so each family's loop reads one array of integers.
    static func append(
        totals: [MetricDescriptor], rates rateDescriptors: [MetricDescriptor], labels: [Labels],
        counters: [(Int, TrafficCounters)], rates: [(Int, TrafficRates)], to metrics: inout MetricSet
    ) {
        appendFigures(totals, labels: labels, rows: counters, to: &metrics)
        appendFigures(rateDescriptors, labels: labels, rows: rates, to: &metrics)
    }

    /// Five families, one per figure, over the rows' label sets.
    private static func appendFigures<Kind>(
        _ descriptors: [MetricDescriptor], labels: [Labels], rows: [(Int, TrafficFigures<Kind>)], to metrics: inout MetricSet
    ) {
        guard !rows.isEmpty else { return }
        let sets = rows.map { labels[$0.0] }
        let columns: [[UInt64]] = [
            rows.map(\.1.connections), rows.map(\.1.incomingPackets), rows.map(\.1.outgoingPackets),
            rows.map(\.1.incomingBytes), rows.map(\.1.outgoingBytes),
        ]
        for (descriptor, column) in zip(descriptors, columns) {
            metrics.append(column: column, labels: sets, descriptor)
        }
    }
}

extension MetricSet {
    /// A family of one unsigned value per label set.
    mutating func append(column: [UInt64], labels: [Labels], _ descriptor: MetricDescriptor) {
        append(
            MetricFamily(descriptor, count: column.count) { range, writer in
                for index in range { writer.sample(labels[index], .unsigned(column[index])) }
            })
    }
}
