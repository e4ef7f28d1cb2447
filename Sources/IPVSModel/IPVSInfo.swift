/// The IPVS version and the size of the connection hash table.
public struct IPVSInfo: Hashable, Sendable {
    /// `IP_VS_VERSION_CODE`, 0x010201 for 1.2.1.
    public var version: UInt32
    /// Buckets in the connection hash table (2^conn_tab_bits), not a connection limit.
    public var connectionTableSize: UInt32

    public init(version: UInt32, connectionTableSize: UInt32) {
        self.version = version
        self.connectionTableSize = connectionTableSize
    }

    /// `1.2.1`.
    public var versionString: String { "\(version >> 16).\((version >> 8) & 0xFF).\(version & 0xFF)" }
}
