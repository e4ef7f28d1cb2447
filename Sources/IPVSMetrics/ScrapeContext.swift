public import IPVSKernel
public import IPVSModel

/// Everything one scrape shares between collectors, read at most once.
///
/// A reference type with lazy state: the service table is read on first use and reused by
/// every collector of the same scrape, so that services, real servers and connection
/// attribution describe the same moment. It lives for one scrape on one thread.
public final class ScrapeContext {
    public let reader: any IPVSStateReader
    public let procfs: ProcFS
    /// Services left out of every collector (`--collector.services.*`).
    public let serviceFilter: ServiceFilter?
    private var cachedTable: Result<ServiceTable, IPVSReadError>?
    private var cachedStats: Result<GlobalStats, ProcFSError>?
    private var cachedRows: (grouping: BackendGrouping, rows: BackendRows)?
    private var cachedServiceLabels: LabelTable?

    public init(reader: any IPVSStateReader, procfs: ProcFS, serviceFilter: ServiceFilter? = nil) {
        self.reader = reader
        self.procfs = procfs
        self.serviceFilter = serviceFilter
    }

    /// The service table (without the services `serviceFilter` drops) with services sorted by
    /// identity and real servers by address and port, so every family lists them in the same, stable order. Readers already sort;
    /// sorting an ordered array again costs one comparison per element.
    public func serviceTable() throws(IPVSReadError) -> ServiceTable {
        if cachedTable == nil {
            do throws(IPVSReadError) {
                var table = try reader.serviceTable()
                try table.sortCheckingUnique()
                if let serviceFilter { table.services.removeAll { !serviceFilter.keeps($0.id) } }
                cachedTable = .success(table)
            } catch {
                cachedTable = .failure(error)
            }
        }
        return try cachedTable!.get()
    }

    /// `/proc/net/ip_vs_stats`, read once per scrape: the stats collector and the node_exporter
    /// families both serve it.
    public func globalStats() throws(ProcFSError) -> GlobalStats {
        if cachedStats == nil {
            do throws(ProcFSError) { cachedStats = .success(try procfs.globalStats()) } catch { cachedStats = .failure(error) }
        }
        return try cachedStats!.get()
    }

    /// The rows of the real-server families, built once per scrape: rendering 10,000 label
    /// sets is most of a big scrape's work, and the backends and rates collectors both need them.
    public func backendRows(_ grouping: BackendGrouping) throws(IPVSReadError) -> BackendRows {
        if let cachedRows, cachedRows.grouping == grouping { return cachedRows.rows }
        let rows = BackendRows(try serviceTable(), grouping: grouping)
        cachedRows = (grouping, rows)
        return rows
    }

    /// Each service's labels, in table order, built once per scrape.
    public func serviceLabels() throws(IPVSReadError) -> LabelTable {
        if let cachedServiceLabels { return cachedServiceLabels }
        let labels = LabelTable(try serviceTable().services.map(\.id.labels))
        cachedServiceLabels = labels
        return labels
    }

    /// Whether the service table has been read successfully in this scrape.
    public var serviceTableRead: Bool {
        if case .success = cachedTable { return true }
        return false
    }
}
