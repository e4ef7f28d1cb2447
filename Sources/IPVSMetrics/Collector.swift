public import IPVSKernel
public import IPVSModel

/// One group of metrics, read at scrape time.
///
/// Each collector is a value in one file (node_exporter's layout). It reads what it needs from
/// the ``ScrapeContext`` and adds samples in model order. A thrown error drops everything the
/// collector added in this scrape and reports `ipvs_scrape_collector_success{collector} 0`.
public protocol Collector: Sendable {
    /// Which one it is: its name, flag and help come from there.
    var id: CollectorID { get }
    func collect(_ context: ScrapeContext, into metrics: inout MetricSet) throws(IPVSReadError)
}

extension Collector {
    /// snake_case: the `collector` label and the `--collector.<name>` flag.
    public var name: String { id.name }
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
    /// port, so every family lists them in the same, stable order. Readers already sort;
    /// sorting an ordered array again costs one comparison per element.
    public func serviceTable() throws(IPVSReadError) -> ServiceTable {
        if cachedTable == nil {
            do throws(IPVSReadError) {
                var table = try reader.serviceTable()
                try table.sortCheckingUnique()
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
    /// The service labels (``MetricCatalog/serviceLabels``), unclosed, ready for more pairs.
    var labelBuilder: Labels.Builder {
        var builder = Labels.Builder()
        switch self {
        case .address(let proto, let address, let port):
            builder.add("proto", proto.description)
            builder.add("local_address", address)
            builder.add("local_port", UInt64(port))
            builder.add("local_mark", "")
        case .firewallMark(let mark, let family):
            builder.add("proto", "FWM")
            builder.add("local_address", IPAddress.unspecified(family))
            builder.add("local_port", 0)
            builder.add("local_mark", UInt64(mark))
        }
        return builder
    }

    var labels: Labels { labelBuilder.labels }

    func backendLabels(address: IPAddress, port: UInt16) -> Labels {
        var builder = labelBuilder
        builder.add("remote_address", address)
        builder.add("remote_port", UInt64(port))
        return builder.labels
    }
}
