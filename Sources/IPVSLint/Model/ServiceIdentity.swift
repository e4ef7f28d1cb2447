public import IPVSModel

/// What identifies a virtual service in a rules file (`-t ADDR:PORT`, `-u`, `--sctp-service`,
/// `-f MARK [-6]`).
public enum ServiceIdentity: Hashable, Sendable, CustomStringConvertible {
    case address(TransportProtocol, HostReference, PortReference)
    case firewallMark(Int64, ipv6: Bool)

    public var family: IPAddress.Family {
        switch self {
        case .address(_, let host, _): host.family
        case .firewallMark(_, let ipv6): ipv6 ? .ipv6 : .ipv4
        }
    }

    public var isFirewallMark: Bool {
        if case .firewallMark = self { return true }
        return false
    }

    public var proto: TransportProtocol? {
        if case .address(let proto, _, _) = self { return proto }
        return nil
    }

    public var port: PortReference? {
        if case .address(_, _, let port) = self { return port }
        return nil
    }

    public var host: HostReference? {
        if case .address(_, let host, _) = self { return host }
        return nil
    }

    /// `TCP 10.0.0.1:80`, `FWM 6`, `FWM 7 IPv6`: ipvsadm -L's spelling.
    public var description: String {
        switch self {
        case .address(let proto, let host, let port):
            if case .address(let address) = host, address.family == .ipv6 {
                return "\(proto) [\(host)]:\(port)"
            }
            return "\(proto) \(host):\(port)"
        case .firewallMark(let mark, let ipv6):
            return ipv6 ? "FWM \(mark) IPv6" : "FWM \(mark)"
        }
    }

    /// A stable key for fingerprints and ignores: `svc=tcp/10.0.0.1:80`, `fwm=6/inet6`.
    public var objectKey: String {
        switch self {
        case .address(let proto, let host, let port):
            return "svc=\(proto.description.lowercased())/\(host):\(port.number.map(String.init) ?? port.description)"
        case .firewallMark(let mark, let ipv6):
            return "fwm=\(mark)/\(ipv6 ? "inet6" : "inet")"
        }
    }

    /// Whether two identities name the same kernel service.
    func sameService(as other: ServiceIdentity) -> Bool {
        switch (self, other) {
        case let (.address(p1, h1, port1), .address(p2, h2, port2)):
            return p1 == p2 && h1 == h2 && port1.sameAs(port2)
        case let (.firewallMark(m1, v1), .firewallMark(m2, v2)):
            return m1 == m2 && v1 == v2
        default:
            return false
        }
    }
}
