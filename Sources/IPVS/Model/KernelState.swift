/// The kernel's connection-state timeouts that `ipvsadm --set` changes, in seconds.
public struct Timeouts: Hashable, Sendable {
    /// TCP ESTABLISHED.
    public var tcp: UInt32
    /// TCP FIN_WAIT.
    public var tcpFin: UInt32
    /// UDP.
    public var udp: UInt32

    public init(tcp: UInt32, tcpFin: UInt32, udp: UInt32) {
        self.tcp = tcp
        self.tcpFin = tcpFin
        self.udp = udp
    }
}

/// A running connection-synchronisation daemon (`ipvsadm --start-daemon`).
public struct SyncDaemon: Hashable, Sendable {
    public enum State: UInt32, Hashable, Sendable {
        case master = 1
        case backup = 2

        public var label: String { self == .master ? "master" : "backup" }
    }

    public var state: State
    public var interface: String
    public var syncID: UInt32
    public var maxLength: UInt16?
    public var group: IPAddress?
    public var port: UInt16?
    public var ttl: UInt8?

    public init(state: State, interface: String, syncID: UInt32, maxLength: UInt16? = nil, group: IPAddress? = nil, port: UInt16? = nil, ttl: UInt8? = nil) {
        self.state = state
        self.interface = interface
        self.syncID = syncID
        self.maxLength = maxLength
        self.group = group
        self.port = port
        self.ttl = ttl
    }
}

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

/// Everything the service table gives in one read: services with their real servers, and
/// the header facts.
public struct ServiceTable: Hashable, Sendable {
    public var info: IPVSInfo
    public var services: [VirtualService]
    /// Which interface this table was read through.
    public var source: IPVSSource

    public init(info: IPVSInfo, services: [VirtualService], source: IPVSSource = .procfs) {
        self.info = info
        self.services = services
        self.source = source
    }
}
