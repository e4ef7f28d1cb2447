import IPVSModel

/// Reads the kernel's IPVS configuration and counters.
///
/// Two implementations: generic netlink (everything, needs CAP_NET_ADMIN) and /proc (world
/// readable, less detail). Methods return nil for what their source cannot give, so that
/// collectors leave those metrics out instead of printing zeros.
public protocol IPVSStateReader: Sendable {
    var source: IPVSSource { get }
    /// Services with their real servers, and the header facts.
    func serviceTable() throws(IPVSReadError) -> ServiceTable
    /// nil when the source has no timeouts (/proc).
    func timeouts() throws(IPVSReadError) -> Timeouts?
    /// nil when the source cannot list daemons (/proc); empty when none runs.
    func syncDaemons() throws(IPVSReadError) -> [SyncDaemon]?
}

extension ServiceTable {
    /// Sorts services by identity and each service's real servers by address and port, and
    /// rejects a table that names a service, or a real server within one service, twice.
    ///
    /// Neither /proc nor a netlink dump is an atomic snapshot: a table changing during the read
    /// can repeat an entry, and two series with the same labels would make the whole scrape
    /// invalid to Prometheus. After sorting, repeats are neighbours.
    ///
    /// Mutating, so that a uniquely held table is sorted in place: sorting a copy would
    /// duplicate every real-server array.
    public mutating func sortCheckingUnique() throws(IPVSReadError) {
        services.sort { $0.id < $1.id }
        try Self.checkSorted(&self)
    }

    private static func checkSorted(_ table: inout ServiceTable) throws(IPVSReadError) {
        for index in table.services.indices {
            if index > 0 && table.services[index - 1].id == table.services[index].id {
                throw .inconsistent(
                    "service \(table.services[index].id) appears twice in one read; the table changed during the read")
            }
            table.services[index].realServers.sort { ($0.address, $0.port) < ($1.address, $1.port) }
            let servers = table.services[index].realServers
            for position in servers.indices.dropFirst()
            where servers[position].address == servers[position - 1].address
                && servers[position].port == servers[position - 1].port
            {
                throw .inconsistent(
                    "real server \(SocketAddressText.format(servers[position].address, servers[position].port)) appears twice under \(table.services[index].id)"
                )
            }
        }
    }
}
