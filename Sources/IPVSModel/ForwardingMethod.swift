/// How the director hands packets to a real server (`ipvsadm -m/-g/-i`).
public enum ForwardingMethod: UInt32, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// `-m`, NAT.
    case masquerading = 0
    /// Local node; ipvsadm has no switch for it and saves it as `-g`.
    case local = 1
    /// `-i`, IP-in-IP / GUE / GRE.
    case tunneling = 2
    /// `-g`, direct routing (the default).
    case directRouting = 3
    /// A connection-only flag; never a real server's method, listed for completeness.
    case bypass = 4

    /// The `forwarding_method` label value.
    public var label: String {
        switch self {
        case .masquerading: "masq"
        case .local: "local"
        case .tunneling: "tunnel"
        case .directRouting: "route"
        case .bypass: "bypass"
        }
    }

    /// The kernel's /proc and ipvsadm spelling: `Masq`, `Local`, `Tunnel`, `Route`.
    public var description: String {
        switch self {
        case .masquerading, .bypass: "Masq"
        case .local: "Local"
        case .tunneling: "Tunnel"
        case .directRouting: "Route"
        }
    }
}
