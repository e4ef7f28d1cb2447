import Dispatch
import IPVSModel
import Synchronization

/// What an input file is: which flag it was given with.
public enum InputRole: Sendable, Hashable, CustomStringConvertible {
    case ipvsadm
    /// keepalived.conf: read into the same model as an ipvsadm file.
    case keepalived
    case iptables
    case ip6tables
    /// `nft -j list ruleset`: both families' tables.
    case nftables
    /// nil host: the director's sysctls; else a real server's (address or name).
    case sysctl(host: String?)
    case timeouts

    public var description: String {
        switch self {
        case .ipvsadm: "--ipvsadm"
        case .keepalived: "--keepalived"
        case .iptables: "--iptables"
        case .ip6tables: "--ip6tables"
        case .nftables: "--nftables"
        case .sysctl(let host): host.map { "--sysctl \($0)=FILE" } ?? "--sysctl FILE"
        case .timeouts: "--timeouts"
        }
    }
}
