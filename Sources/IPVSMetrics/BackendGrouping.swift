public import IPVSModel

/// How the real-server families label real servers (`--collector.backends.labels`): each real
/// server in series of its own (the default), or summed with every real server of the same
/// scrape that shares the labels kept.
///
/// A director with 10,000 real servers has 10,000 series per family; keeping only the service's
/// labels gives one per service, keeping none gives one per family. node_exporter's
/// `--collector.ipvs.backend-labels` does the same for its three families.
public struct BackendGrouping: Sendable, Hashable {
    /// The labels kept, in the order our label sets write them.
    public let kept: [BackendLabel]
    let keepsAddress: Bool
    let keepsPort: Bool

    /// Every label kept: each real server is a row of its own.
    public static let none = BackendGrouping(keeping: BackendLabel.allCases)

    /// The labels in any order; repeats do not matter.
    public init(keeping labels: [BackendLabel]) {
        kept = BackendLabel.inExporterOrder.filter(labels.contains)
        keepsAddress = kept.contains(.remoteAddress)
        keepsPort = kept.contains(.remotePort)
    }

    /// Whether any real servers are summed: with all six labels none can share a label set.
    public var aggregates: Bool { kept.count < BackendLabel.allCases.count }

    /// The label names of a row, in order.
    public var labelNames: [String] { kept.map(\.rawValue) }

    /// A service's kept labels, built once per service, ready for its real servers'.
    func builder(_ service: VirtualServiceID) -> Labels.Builder {
        service.labelBuilder(keeping: kept)
    }

    /// A real server's row labels, from its service's ``builder(_:)``.
    func labels(_ service: Labels.Builder, address: IPAddress, port: UInt16) -> Labels {
        guard keepsAddress || keepsPort else { return service.labels }
        var builder = service
        if keepsAddress { builder.add("remote_address", address) }
        if keepsPort { builder.add("remote_port", UInt64(port)) }
        return builder.labels
    }
}

/// The rows of the real-server families for one service table: one label set per row, and
/// each real server's row.
public struct BackendRows: Sendable {
    /// One label set per row, in the order of each row's first real server.
    public let labels: LabelTable
    /// The row of each real server in table order (services, then their real servers); nil
    /// when every real server is its own row.
    private let rowOfServer: [Int]?

    public init(_ table: ServiceTable, grouping: BackendGrouping) {
        var labels = LabelTable()
        guard grouping.aggregates else {
            for service in table.services {
                let base = grouping.builder(service.id)
                for server in service.realServers {
                    labels.append(grouping.labels(base, address: server.address, port: server.port))
                }
            }
            self.labels = labels
            rowOfServer = nil
            return
        }
        var rows: [Int] = []
        var index: [Labels: Int] = [:]
        for service in table.services {
            let base = grouping.builder(service.id)
            for server in service.realServers {
                let set = grouping.labels(base, address: server.address, port: server.port)
                if let row = index[set] {
                    rows.append(row)
                } else {
                    index[set] = labels.count
                    rows.append(labels.count)
                    labels.append(set)
                }
            }
        }
        self.labels = labels
        rowOfServer = rows
    }

    /// The row of the `server`th real server of the table.
    @inline(__always) public func row(_ server: Int) -> Int { rowOfServer?[server] ?? server }

    public var count: Int { labels.count }
}

extension TrafficFigures {
    /// Summed figure by figure: the figures of a row of real servers. Wrapping, as the kernel's
    /// own 64-bit counters do.
    mutating func add(_ other: Self) {
        connections &+= other.connections
        incomingPackets &+= other.incomingPackets
        outgoingPackets &+= other.outgoingPackets
        incomingBytes &+= other.incomingBytes
        outgoingBytes &+= other.outgoingBytes
    }
}
