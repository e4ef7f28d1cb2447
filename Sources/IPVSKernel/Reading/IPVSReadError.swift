import IPVSModel
import SystemSupport

/// Why IPVS state could not be read.
public enum IPVSReadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// IPVS is not available: the ip_vs module is not loaded in this network namespace (no
    /// /proc/net/ip_vs, no IPVS generic-netlink family).
    case unavailable(String)
    /// The kernel refused: every IPVS netlink command needs CAP_NET_ADMIN.
    case permissionDenied(String)
    /// A /proc file could not be read or parsed.
    case procfs(ProcFSError)
    /// A netlink request failed or a reply could not be decoded.
    case netlink(NetlinkError)
    /// The data read is inconsistent (for example the same service twice in one dump).
    case inconsistent(String)
    /// The read was not made, on purpose: it would cost the director too much (the connection
    /// table above `--collector.connections.max-entries`).
    case skipped(String)

    public var description: String {
        switch self {
        case .unavailable(let why): "IPVS is not available: \(why)"
        case .permissionDenied(let why): "permission denied: \(why)"
        case .procfs(let error): error.description
        case .netlink(let error): "netlink: \(error)"
        case .inconsistent(let why): why
        case .skipped(let why): "skipped: \(why)"
        }
    }

    /// Maps a procfs failure, telling "module not loaded" apart from real errors.
    public static func from(_ error: ProcFSError) -> IPVSReadError {
        if case .file(FileError.notFound(let path)) = error {
            return .unavailable("\(path) does not exist (is the ip_vs kernel module loaded?)")
        }
        return .procfs(error)
    }
}
