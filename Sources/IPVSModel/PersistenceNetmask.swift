/// A persistence netmask: the client address is masked with it to find the template.
public enum PersistenceNetmask: Hashable, Sendable, CustomStringConvertible {
    /// An IPv4 mask, host order (`0xFFFFFF00` for /24).
    case ipv4(UInt32)
    /// An IPv6 prefix length, 1…128.
    case ipv6(prefixLength: UInt8)

    /// ipvsadm's spelling: dotted mask for IPv4, prefix length for IPv6.
    public var description: String {
        switch self {
        case .ipv4(let mask): IPAddress(ipv4: mask).description
        case .ipv6(let length): String(length)
        }
    }

    public static func defaultMask(for family: IPAddress.Family) -> PersistenceNetmask {
        family == .ipv4 ? .ipv4(0xFFFF_FFFF) : .ipv6(prefixLength: 128)
    }
}
