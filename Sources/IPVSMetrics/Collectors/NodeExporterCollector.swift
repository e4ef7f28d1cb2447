public import IPVSKernel
import IPVSModel

/// node_exporter's `node_ipvs_*` families, served as its `ipvs` collector serves them
/// (`--compat.node-exporter`), so dashboards and alerts written for node_exporter keep working
/// while a director moves to this exporter.
///
/// Same sources (`ip_vs_stats`, then `ip_vs`, from /proc in either source mode), names, HELP,
/// types, label names and values, sums and quirks as node_exporter 1.5 (Debian 12) and 1.12,
/// which agree on all of them (Tests/Fixtures/node-exporter/FACTS.md):
/// - a fwmark service has `local_address=""`, `local_port="0"` and `local_mark` as /proc
///   prints the mark, eight upper-case hex digits;
/// - SCTP lines are not services to node_exporter: their real servers count under the
///   service above them (under empty labels when SCTP comes first);
/// - real servers that share the chosen labels are summed, weights included;
/// - addresses print as Go prints them: IPv4-mapped IPv6 as dotted IPv4.
/// Counters go out as the float64 node_exporter sends.
public struct NodeExporterCollector: Collector {
    public let backendLabels: [BackendLabel]

    public init(backendLabels: [BackendLabel] = BackendLabel.allCases) {
        self.backendLabels = backendLabels
        // The exposition sorts label pairs by name (client_golang does), whatever the order
        // the flag chose them in.
        let names = backendLabels.map(\.rawValue).sorted()
        active = MetricDescriptor(
            "node_ipvs_backend_connections_active", .gauge, "The current active connections by local and remote address.",
            labels: names)
        inactive = MetricDescriptor(
            "node_ipvs_backend_connections_inactive", .gauge, "The current inactive connections by local and remote address.",
            labels: names)
        weight = MetricDescriptor(
            "node_ipvs_backend_weight", .gauge, "The current backend weight by local and remote address.", labels: names)
    }

    public var id: CollectorID { .nodeExporter }

    static let connections = MetricDescriptor("node_ipvs_connections_total", .counter, "The total number of connections made.")
    static let incomingBytes = MetricDescriptor(
        "node_ipvs_incoming_bytes_total", .counter, "The total amount of incoming data.")
    static let incomingPackets = MetricDescriptor(
        "node_ipvs_incoming_packets_total", .counter, "The total number of incoming packets.")
    static let outgoingBytes = MetricDescriptor(
        "node_ipvs_outgoing_bytes_total", .counter, "The total amount of outgoing data.")
    static let outgoingPackets = MetricDescriptor(
        "node_ipvs_outgoing_packets_total", .counter, "The total number of outgoing packets.")
    let active: MetricDescriptor
    let inactive: MetricDescriptor
    let weight: MetricDescriptor

    public func collect(_ context: ScrapeContext, into metrics: inout MetricSet) throws(IPVSReadError) {
        // ip_vs_stats first: node_exporter serves nothing of IPVS without it.
        let stats: GlobalStats
        let table: ServiceTable
        do throws(ProcFSError) {
            stats = try context.globalStats()
            // In the file's order, not sorted: which service an SCTP line's real servers
            // count under depends on it.
            table = try context.procfs.serviceTable(hz: nil)
        } catch {
            throw IPVSReadError.from(error)
        }
        let sums = Self.backendSums(table, labels: backendLabels)
        let names = active.labelNames
        // Families in name order and series in label-value order, as node_exporter writes them.
        if !sums.isEmpty {
            let labels = sums.map { Labels(names, $0.values) }
            metrics.append(MetricFamily(active, samples: zip(labels, sums).map { ($0, .unsigned($1.active)) }))
            metrics.append(MetricFamily(inactive, samples: zip(labels, sums).map { ($0, .unsigned($1.inactive)) }))
            metrics.append(MetricFamily(weight, samples: zip(labels, sums).map { ($0, .unsigned($1.weight)) }))
        }
        let c = stats.counters
        metrics.add(Self.connections, .none, .double(Double(c.connections)))
        metrics.add(Self.incomingBytes, .none, .double(Double(c.incomingBytes)))
        metrics.add(Self.incomingPackets, .none, .double(Double(c.incomingPackets)))
        metrics.add(Self.outgoingBytes, .none, .double(Double(c.outgoingBytes)))
        metrics.add(Self.outgoingPackets, .none, .double(Double(c.outgoingPackets)))
    }

    /// One backend series: label values in label-name order, and its sums.
    struct BackendSum: Equatable {
        var values: [String]
        var active: UInt64 = 0
        var inactive: UInt64 = 0
        var weight: UInt64 = 0
    }

    /// The real servers of `table`, in file order, summed over `labels` and sorted by label
    /// values (label names sorted).
    static func backendSums(_ table: ServiceTable, labels: [BackendLabel]) -> [BackendSum] {
        let chosen = labels.sorted { $0.rawValue < $1.rawValue }
        // What node_exporter remembers from the last TCP, UDP or FWM line.
        var proto = ""
        var localAddress = ""
        var localPort = "0"
        var localMark = ""
        var index: [[String]: Int] = [:]
        var sums: [BackendSum] = []
        for service in table.services {
            switch service.id {
            case .address(let transport, let address, let port):
                if transport == .tcp || transport == .udp {
                    proto = transport.description
                    localAddress = goText(address)
                    localPort = String(port)
                    localMark = ""
                }
            case .firewallMark(let mark, _):
                proto = "FWM"
                localAddress = ""
                localPort = "0"
                localMark = hex8(mark)
            }
            for server in service.realServers {
                let values = chosen.map { label -> String in
                    switch label {
                    case .localAddress: localAddress
                    case .localPort: localPort
                    case .remoteAddress: goText(server.address)
                    case .remotePort: String(server.port)
                    case .proto: proto
                    case .localMark: localMark
                    }
                }
                let position: Int
                if let known = index[values] {
                    position = known
                } else {
                    position = sums.count
                    index[values] = position
                    sums.append(BackendSum(values: values))
                }
                // The kernel's counts are never negative; node_exporter reads them as uint64.
                sums[position].active &+= UInt64(clamping: server.activeConnections)
                sums[position].inactive &+= UInt64(clamping: server.inactiveConnections)
                sums[position].weight &+= UInt64(server.weight)
            }
        }
        return sums.sorted { $0.values.lexicographicallyPrecedes($1.values) }
    }

    /// Go's `net.IP.String()`: ours, except that an IPv4-mapped IPv6 address is dotted IPv4.
    static func goText(_ address: IPAddress) -> String {
        let text = address.description
        if address.family == .ipv6, text.hasPrefix("::ffff:"), text.contains(".") { return String(text.dropFirst(7)) }
        return text
    }

    /// The mark as `/proc/net/ip_vs` prints it (`%08X`).
    static func hex8(_ mark: UInt32) -> String {
        let digits = String(mark, radix: 16, uppercase: true)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }
}
