import CLinux
import Glibc

/// Open-file limit for a server that may face a flood of connections.
///
/// systemd starts services with a soft RLIMIT_NOFILE of 1,024 (hard 524,288): one connection
/// per file descriptor, so 1,000 slow or hostile clients would leave nothing for Prometheus,
/// /proc or netlink. Like Go programs (node_exporter included) the exporter raises its soft
/// limit to the hard one at start; nothing else changes.
enum FileLimit {
    static func raise() {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
}
