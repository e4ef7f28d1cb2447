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

    public init(
        state: State, interface: String, syncID: UInt32, maxLength: UInt16? = nil, group: IPAddress? = nil, port: UInt16? = nil,
        ttl: UInt8? = nil
    ) {
        self.state = state
        self.interface = interface
        self.syncID = syncID
        self.maxLength = maxLength
        self.group = group
        self.port = port
        self.ttl = ttl
    }
}
