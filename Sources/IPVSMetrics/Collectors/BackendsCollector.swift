public import IPVSKernel
import IPVSModel

/// Real servers: forwarding method, weight, connection counts, and from netlink persistent
/// connections, thresholds and traffic counters (their rates belong to ``RatesCollector``).
///
/// One pass over the table fills compact columns, one entry per row (a real server, or with
/// `--collector.backends.labels` the real servers sharing the kept labels, summed); the families
/// render from those, so the parsed table can be freed before the response is written and no
/// per-server object survives collection.
public struct BackendsCollector: Collector {
    public let grouping: BackendGrouping

    public init(grouping: BackendGrouping = .none) {
        self.grouping = grouping
    }

    public var id: CollectorID { .backends }

    /// What an info series says beyond its row's labels; rows of several real servers have
    /// one series per distinct value.
    private struct Method: Hashable {
        var row: Int
        var method: ForwardingMethod
        var tunnel: TunnelSettings.Kind?
    }

    private struct Tunnel: Hashable {
        var row: Int
        var settings: TunnelSettings
    }

    public func collect(_ context: ScrapeContext, into metrics: inout MetricSet) throws(IPVSReadError) {
        let table = try context.serviceTable()
        let rows = try context.backendRows(grouping)
        let count = rows.count
        let summing = grouping.aggregates
        var methods: [Method] = []
        var seenMethods: Set<Method> = []
        var tunnels: [Tunnel] = []
        var seenTunnels: Set<Tunnel> = []
        var weights = [UInt64](repeating: 0, count: count)
        var active = [Int64](repeating: 0, count: count)
        var inactive = [Int64](repeating: 0, count: count)
        var persistent: [Int64?] = Array(repeating: nil, count: count)
        var counters: [TrafficCounters?] = Array(repeating: nil, count: count)
        var upper: [(Int, UInt64)] = []
        var lower: [(Int, UInt64)] = []
        methods.reserveCapacity(count)
        var server = 0
        for service in table.services {
            for real in service.realServers {
                let row = rows.row(server)
                server += 1
                let method = Method(
                    row: row, method: real.forwarding, tunnel: real.forwarding == .tunneling ? real.tunnel?.kind : nil)
                if !summing || seenMethods.insert(method).inserted { methods.append(method) }
                if real.forwarding == .tunneling, let settings = real.tunnel {
                    let tunnel = Tunnel(row: row, settings: settings)
                    if !summing || seenTunnels.insert(tunnel).inserted { tunnels.append(tunnel) }
                }
                weights[row] &+= UInt64(real.weight)
                active[row] &+= real.activeConnections
                inactive[row] &+= real.inactiveConnections
                if let value = real.persistentConnections { persistent[row] = (persistent[row] ?? 0) &+ value }
                if let value = real.counters {
                    if counters[row] == nil { counters[row] = value } else { counters[row]!.add(value) }
                }
                // A threshold is a setting of one real server: a sum of them is not one the
                // kernel acts on, so summed rows have none. 0 is the kernel's "no threshold": a
                // series saying so for every real server would only cost series.
                guard !summing else { continue }
                if let value = real.upperThreshold, value > 0 { upper.append((row, UInt64(value))) }
                if let value = real.lowerThreshold, value > 0 { lower.append((row, UInt64(value))) }
            }
        }
        let sets = rows.labels
        let methodColumn = methods
        metrics.append(
            MetricFamily(MetricCatalog.backendInfo, count: methodColumn.count) { range, w in
                for i in range {
                    let entry = methodColumn[i]
                    w.sample(
                        sets, row: entry.row, "forwarding_method", entry.method.label, "tunnel_type", entry.tunnel?.label ?? "",
                        .unsigned(1))
                }
            })
        if !tunnels.isEmpty {
            metrics.append(
                MetricFamily(
                    MetricCatalog.backendTunnel,
                    samples: tunnels.map { entry in
                        let tunnel = entry.settings
                        return (
                            sets[entry.row].appending(
                                ["tunnel_type", "tunnel_port", "tunnel_checksum"],
                                [tunnel.kind.label, String(tunnel.port), tunnel.checksum.label]),
                            .unsigned(1)
                        )
                    }))
        }
        let weightColumn = weights
        metrics.append(
            MetricFamily(MetricCatalog.backendWeight, count: count) { range, w in
                w.samples(sets, range, unsigned: weightColumn)
            })
        let activeColumn = active
        metrics.append(
            MetricFamily(MetricCatalog.backendActive, count: count) { range, w in
                w.samples(sets, range, signed: activeColumn)
            })
        let inactiveColumn = inactive
        metrics.append(
            MetricFamily(MetricCatalog.backendInactive, count: count) { range, w in
                w.samples(sets, range, signed: inactiveColumn)
            })
        let persistentRows = persistent.indices.filter { persistent[$0] != nil }
        let persistentValues = persistentRows.map { persistent[$0]! }
        metrics.append(
            MetricFamily(MetricCatalog.backendPersistent, count: persistentRows.count) { range, w in
                w.samples(sets, range, rows: persistentRows, signed: persistentValues)
            })
        for (descriptor, column) in [(MetricCatalog.backendUpperThreshold, upper), (MetricCatalog.backendLowerThreshold, lower)] {
            let thresholdRows = column.map(\.0)
            let values = column.map(\.1)
            metrics.append(
                MetricFamily(descriptor, count: column.count) { range, w in
                    w.samples(sets, range, rows: thresholdRows, unsigned: values)
                })
        }
        TrafficFamilies.append(
            TrafficFamilies.backendTotals, labels: sets,
            rows: counters.indices.compactMap { i in counters[i].map { (i, $0) } }, to: &metrics)
    }
}
