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

    /// What makes two identities the same kernel service, as a dictionary key: ports compare by
    /// number when the name resolves (`:http` is `:80`). Parsers index their services by it, so
    /// that a file of 10,000 services (or a keepalived group of 65,536 addresses) is not searched
    /// once per service.
    enum Key: Hashable {
        case address(TransportProtocol, HostReference, PortReference.Key)
        case firewallMark(Int64, ipv6: Bool)
    }

    var key: Key {
        switch self {
        case .address(let proto, let host, let port): .address(proto, host, port.key)
        case .firewallMark(let mark, let ipv6): .firewallMark(mark, ipv6: ipv6)
        }
    }
}
