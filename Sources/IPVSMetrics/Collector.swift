public import IPVS

/// One group of metrics, read at scrape time.
///
/// Each collector is a value in one file (node_exporter's layout). It reads what it needs from
/// the ``ScrapeContext`` and adds samples in model order. A thrown error drops everything the
/// collector added in this scrape and reports `ipvs_scrape_collector_success{collector} 0`.
public protocol Collector: Sendable {
    /// snake_case: the `collector` label and the `--collector.<name>` flag.
    var name: String { get }
    /// What the `--help` text says about it.
    var summary: String { get }
    func collect(_ context: ScrapeContext, into metrics: inout MetricSet) throws(IPVSReadError)
}

/// Everything one scrape shares between collectors, read at most once.
///
/// A reference type with lazy state: the service table is read on first use and reused by
/// every collector of the same scrape, so that services, real servers and connection
/// attribution describe the same moment. It lives for one scrape on one thread.
public final class ScrapeContext {
    public let reader: any IPVSStateReader
    public let procfs: ProcFS
    private var cachedTable: Result<ServiceTable, IPVSReadError>?

    public init(reader: any IPVSStateReader, procfs: ProcFS) {
        self.reader = reader
        self.procfs = procfs
    }

    /// The service table with services sorted by identity and real servers by address and
    /// port, so every family lists them in the same, stable order.
    public func serviceTable() throws(IPVSReadError) -> ServiceTable {
        if cachedTable == nil {
            do throws(IPVSReadError) {
                var table = try reader.serviceTable()
                table.services.sort { $0.id < $1.id }
                for index in table.services.indices {
                    table.services[index].realServers.sort { ($0.address, $0.port) < ($1.address, $1.port) }
                }
                cachedTable = .success(table)
            } catch {
                cachedTable = .failure(error)
            }
        }
        return try cachedTable!.get()
    }

    /// Whether the service table has been read successfully in this scrape.
    public var serviceTableRead: Bool {
        if case .success = cachedTable { return true }
        return false
    }
}

extension VirtualServiceID {
    /// The service label values, in ``MetricCatalog/serviceLabels`` order.
    var labelValues: [String] {
        switch self {
        case .address(let proto, let address, let port):
            [proto.description, address.description, String(port), ""]
        case .firewallMark(let mark, let family):
            ["FWM", IPAddress.unspecified(family).description, "0", String(mark)]
        }
    }

    var labels: Labels { Labels(MetricCatalog.serviceLabels, labelValues) }

    func backendLabels(address: IPAddress, port: UInt16) -> Labels {
        Labels(MetricCatalog.backendLabels, labelValues + [address.description, String(port)])
    }
}
