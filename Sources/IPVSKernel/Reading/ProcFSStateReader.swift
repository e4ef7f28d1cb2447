import IPVSModel

/// Reads IPVS state from /proc only: what an unprivileged process can see.
public struct ProcFSStateReader: IPVSStateReader {
    public let procfs: ProcFS
    /// CONFIG_HZ if known for certain, to turn persistence timeouts into seconds.
    public let hz: KernelHZ?

    public init(procfs: ProcFS, hz: KernelHZ?) {
        self.procfs = procfs
        self.hz = hz
    }

    public var source: IPVSSource { .procfs }

    public func serviceTable() throws(IPVSReadError) -> ServiceTable {
        var table: ServiceTable
        do throws(ProcFSError) {
            table = try procfs.serviceTable(hz: hz?.hz)
        } catch {
            throw IPVSReadError.from(error)
        }
        try table.sortCheckingUnique()
        return table
    }

    public func timeouts() throws(IPVSReadError) -> Timeouts? { nil }

    public func syncDaemons() throws(IPVSReadError) -> [SyncDaemon]? { nil }
}
