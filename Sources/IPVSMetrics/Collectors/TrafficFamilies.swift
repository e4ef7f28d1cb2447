import IPVSModel

/// The five counter and five rate families the director, a service or a real server has.
struct TrafficFamilies {
    static let directorTotals = [
        MetricCatalog.connectionsTotal, MetricCatalog.incomingPacketsTotal, MetricCatalog.outgoingPacketsTotal,
        MetricCatalog.incomingBytesTotal, MetricCatalog.outgoingBytesTotal,
    ]
    static let directorRates = [
        MetricCatalog.connectionsPerSecond, MetricCatalog.incomingPacketsPerSecond, MetricCatalog.outgoingPacketsPerSecond,
        MetricCatalog.incomingBytesPerSecond, MetricCatalog.outgoingBytesPerSecond,
    ]
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

    /// Five families, one per figure, over the label-table rows the pairs index: the objects
    /// that have figures (netlink); none for /proc. The values are split into plain columns
    /// first, so each family's loop reads one array of integers.
    static func append<Kind>(
        _ descriptors: [MetricDescriptor], labels: LabelTable, rows: [(Int, TrafficFigures<Kind>)], to metrics: inout MetricSet
    ) {
        guard !rows.isEmpty else { return }
        // Every row has figures in the usual case; then no index column is needed.
        let indices: [Int]? = rows.count == labels.count && rows.indices.allSatisfy { rows[$0].0 == $0 } ? nil : rows.map(\.0)
        let columns: [[UInt64]] = [
            rows.map(\.1.connections), rows.map(\.1.incomingPackets), rows.map(\.1.outgoingPackets),
            rows.map(\.1.incomingBytes), rows.map(\.1.outgoingBytes),
        ]
        for (descriptor, column) in zip(descriptors, columns) {
            metrics.append(
                MetricFamily(descriptor, count: column.count) { range, writer in
                    writer.samples(labels, range, rows: indices, unsigned: column)
                })
        }
    }
}
