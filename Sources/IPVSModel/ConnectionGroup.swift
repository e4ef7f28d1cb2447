/// Entries of `/proc/net/ip_vs_conn` that share everything but the client: same protocol,
/// virtual address and port, destination, state, and template-ness.
public struct ConnectionGroup: Hashable, Sendable {
    /// The packet's protocol; 0 (`IP`) for firewall-mark persistence templates.
    public var proto: TransportProtocol
    public var virtualAddress: IPAddress
    public var virtualPort: UInt16
    public var destinationAddress: IPAddress
    public var destinationPort: UInt16
    /// The state name as the kernel prints it (`ESTABLISHED`, `UDP`, `ASSURED`…).
    public var state: String
    /// A persistence template (client port 0, state NONE or ASSURED, or protocol `IP`).
    public var isTemplate: Bool

    public init(
        proto: TransportProtocol, virtualAddress: IPAddress, virtualPort: UInt16, destinationAddress: IPAddress,
        destinationPort: UInt16, state: String, isTemplate: Bool
    ) {
        self.proto = proto
        self.virtualAddress = virtualAddress
        self.virtualPort = virtualPort
        self.destinationAddress = destinationAddress
        self.destinationPort = destinationPort
        self.state = state
        self.isTemplate = isTemplate
    }
}
