public import IPVSKernel
import IPVSModel

/// Real servers: forwarding method, weight, connection counts, and from netlink persistent
/// connections, thresholds, traffic counters and rates.
///
/// One pass over the table builds compact columns (label sets, numbers, small enums); the
/// families render from those, so the parsed table can be freed before the response is
/// written and no per-server object survives collection.
public struct BackendsCollector: Collector {
    public init() {}
    public var id: CollectorID { .backends }

    public func collect(_ context: ScrapeContext, into metrics: inout MetricSet) throws(IPVSReadError) {
        let table = try context.serviceTable()
        let count = table.services.reduce(0) { $0 + $1.realServers.count }
        var labels: [Labels] = []
        var methods: [ForwardingMethod] = []
        var tunnels: [TunnelSettings.Kind?] = []
        var weights: [UInt32] = []
        var active: [Int64] = []
        var inactive: [Int64] = []
        labels.reserveCapacity(count)
        methods.reserveCapacity(count)
        tunnels.reserveCapacity(count)
        weights.reserveCapacity(count)
        active.reserveCapacity(count)
        inactive.reserveCapacity(count)
        var persistent: [(Int, SampleValue)] = []
        var upper: [(Int, SampleValue)] = []
        var lower: [(Int, SampleValue)] = []
        var counters: [(Int, TrafficCounters)] = []
        var rates: [(Int, TrafficRates)] = []
        var tunnelSettings: [(Int, TunnelSettings)] = []
        for service in table.services {
            let base = service.id.labelBuilder
            for server in service.realServers {
                let index = labels.count
                labels.append(base.backend(address: server.address, port: server.port))
                methods.append(server.forwarding)
                tunnels.append(server.forwarding == .tunneling ? server.tunnel?.kind : nil)
                weights.append(server.weight)
                active.append(server.activeConnections)
                inactive.append(server.inactiveConnections)
                if let value = server.persistentConnections { persistent.append((index, .signed(value))) }
                // 0 is the kernel's "no threshold": a series saying so for every real server would
                // only cost series.
                if let value = server.upperThreshold, value > 0 { upper.append((index, .unsigned(UInt64(value)))) }
                if let value = server.lowerThreshold, value > 0 { lower.append((index, .unsigned(UInt64(value)))) }
                if let value = server.counters { counters.append((index, value)) }
                if let value = server.rates { rates.append((index, value)) }
                if server.forwarding == .tunneling, let value = server.tunnel { tunnelSettings.append((index, value)) }
            }
        }
        let sets = labels
        let methodColumn = methods
        let tunnelColumn = tunnels
        metrics.append(
            MetricFamily(MetricCatalog.backendInfo, count: count) { range, w in
                for i in range {
                    w.sample(
                        sets[i], "forwarding_method", methodColumn[i].label, "tunnel_type", tunnelColumn[i]?.label ?? "",
                        .unsigned(1))
                }
            })
        if !tunnelSettings.isEmpty {
            metrics.append(
                MetricFamily(
                    MetricCatalog.backendTunnel,
                    samples: tunnelSettings.map { index, tunnel in
                        (
                            sets[index].appending(
                                ["tunnel_type", "tunnel_port", "tunnel_checksum"],
                                [tunnel.kind.label, String(tunnel.port), tunnel.checksum.label]),
                            .unsigned(1)
                        )
                    }))
        }
        let weightColumn = weights
        metrics.append(
            MetricFamily(MetricCatalog.backendWeight, count: count) { range, w in
                for i in range { w.sample(sets[i], .unsigned(UInt64(weightColumn[i]))) }
            })
        let activeColumn = active
        metrics.append(
            MetricFamily(MetricCatalog.backendActive, count: count) { range, w in
                for i in range { w.sample(sets[i], .signed(activeColumn[i])) }
            })
        let inactiveColumn = inactive
        metrics.append(
            MetricFamily(MetricCatalog.backendInactive, count: count) { range, w in
                for i in range { w.sample(sets[i], .signed(inactiveColumn[i])) }
            })
        for (descriptor, column) in [
            (MetricCatalog.backendPersistent, persistent), (MetricCatalog.backendUpperThreshold, upper),
            (MetricCatalog.backendLowerThreshold, lower),
        ] {
            metrics.append(
                MetricFamily(descriptor, count: column.count) { range, w in
                    for i in range { w.sample(sets[column[i].0], column[i].1) }
                })
        }
        TrafficFamilies.append(
            totals: TrafficFamilies.backendTotals, rates: TrafficFamilies.backendRates, labels: sets, counters: counters,
            rates: rates, to: &metrics)
    }
}
