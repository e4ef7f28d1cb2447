/// How long a client sticks to its real server.
public struct Persistence: Hashable, Sendable {
    /// Seconds, when known. /proc prints jiffies; without a certain HZ this is nil.
    public var timeoutSeconds: UInt32?
    /// The raw /proc value (seconds × HZ), kept so that nothing is lost when HZ is unknown.
    public var timeoutJiffies: UInt64?
    public var netmask: PersistenceNetmask

    public init(timeoutSeconds: UInt32?, timeoutJiffies: UInt64? = nil, netmask: PersistenceNetmask) {
        self.timeoutSeconds = timeoutSeconds
        self.timeoutJiffies = timeoutJiffies
        self.netmask = netmask
    }
}
