public import IPVSModel

/// An address as written in an ipvsadm file: numeric, or a host name (`ipvsadm -S` without
/// `-n`, or hand-written), which the linter cannot resolve.
public enum HostReference: Hashable, Sendable, CustomStringConvertible {
    case address(IPAddress)
    case name(String)

    public var address: IPAddress? {
        if case .address(let value) = self { return value }
        return nil
    }

    /// IPv6 only for numeric IPv6 addresses: ipvsadm resolves names to IPv4 only.
    public var family: IPAddress.Family {
        if case .address(let value) = self { return value.family }
        return .ipv4
    }

    public var description: String {
        switch self {
        case .address(let value): value.description
        case .name(let name): name
        }
    }
}
