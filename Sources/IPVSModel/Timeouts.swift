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
