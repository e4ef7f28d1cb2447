/// The transport protocol of a virtual service or connection.
///
/// The kernel accepts only TCP, UDP and SCTP for virtual services; connection entries can
/// also carry the other protocols IPVS tracks (AH, ESP, ICMP), which /proc names `IP_<n>`
/// or by name.
public enum TransportProtocol: Hashable, Sendable, Comparable, CustomStringConvertible {
    case tcp
    case udp
    case sctp
    /// Any other IP protocol number.
    case other(UInt8)

    /// The IP protocol number (IPPROTO_TCP = 6, …).
    public var number: UInt8 {
        switch self {
        case .tcp: 6
        case .udp: 17
        case .sctp: 132
        case .other(let n): n
        }
    }

    public init(number: UInt8) {
        switch number {
        case 6: self = .tcp
        case 17: self = .udp
        case 132: self = .sctp
        default: self = .other(number)
        }
    }

    /// The name the kernel and ipvsadm print: `TCP`, `UDP`, `SCTP`, `IP_<n>` otherwise.
    public var description: String {
        switch self {
        case .tcp: "TCP"
        case .udp: "UDP"
        case .sctp: "SCTP"
        case .other(let n): "IP_\(n)"
        }
    }

    public static func < (lhs: TransportProtocol, rhs: TransportProtocol) -> Bool { lhs.number < rhs.number }
}
