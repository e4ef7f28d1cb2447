/// What identifies a virtual service to the kernel: protocol, address and port, or a
/// firewall mark (with the address family given to `ipvsadm -f MARK [-6]`).
public enum VirtualServiceID: Hashable, Sendable, Comparable, CustomStringConvertible {
    case address(TransportProtocol, IPAddress, port: UInt16)
    case firewallMark(UInt32, family: IPAddress.Family)

    public var family: IPAddress.Family {
        switch self {
        case .address(_, let address, _): address.family
        case .firewallMark(_, let family): family
        }
    }

    /// The `proto` metric label: `TCP`, `UDP`, `SCTP`, or `FWM` for firewall-mark services.
    public var protocolLabel: String {
        switch self {
        case .address(let proto, _, _): proto.description
        case .firewallMark: "FWM"
        }
    }

    /// `local_address`: the VIP, or the family's wildcard for firewall-mark services so that
    /// an IPv4 and an IPv6 service on the same mark stay two distinct series.
    public var localAddress: IPAddress {
        switch self {
        case .address(_, let address, _): address
        case .firewallMark(_, let family): .unspecified(family)
        }
    }

    public var port: UInt16 {
        if case .address(_, _, let port) = self { return port }
        return 0
    }

    public var firewallMark: UInt32? {
        if case .firewallMark(let mark, _) = self { return mark }
        return nil
    }

    /// ipvsadm's spelling: `TCP 10.0.0.1:80`, `TCP [2001:db8::1]:80`, `FWM 6`, `FWM 7 IPv6`.
    public var description: String {
        switch self {
        case .address(let proto, let address, let port):
            return "\(proto) \(SocketAddressText.format(address, port))"
        case .firewallMark(let mark, let family):
            return family == .ipv6 ? "FWM \(mark) IPv6" : "FWM \(mark)"
        }
    }

    /// Firewall-mark services sort after address services, as in /proc/net/ip_vs.
    public static func < (lhs: VirtualServiceID, rhs: VirtualServiceID) -> Bool {
        switch (lhs, rhs) {
        case let (.address(p1, a1, port1), .address(p2, a2, port2)):
            return (a1, p1.number, port1) < (a2, p2.number, port2)
        case (.address, .firewallMark): return true
        case (.firewallMark, .address): return false
        case let (.firewallMark(m1, f1), .firewallMark(m2, f2)):
            return (m1, f1.rawValue) < (m2, f2.rawValue)
        }
    }
}
