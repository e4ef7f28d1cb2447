import Glibc

/// Listening sockets systemd passed on socket activation (`sd_listen_fds(3)`'s protocol):
/// `LISTEN_PID` names this process, `LISTEN_FDS` counts descriptors from 3.
public enum SystemdSockets {
    public struct Missing: Error, CustomStringConvertible {
        public let reason: String
        public var description: String {
            "--web.systemd-socket: \(reason); start the exporter from a .socket unit (packaging/ipvs_exporter.socket) or drop the flag"
        }
    }

    /// The descriptors, and the variables unset so that no child takes them for its own.
    public static func take() throws(Missing) -> [Int32] {
        defer {
            unsetenv("LISTEN_PID")
            unsetenv("LISTEN_FDS")
            unsetenv("LISTEN_FDNAMES")
        }
        guard let pidText = getenv("LISTEN_PID").map({ String(cString: $0) }) else {
            throw Missing(reason: "systemd passed no sockets (LISTEN_PID is not set)")
        }
        guard let pid = Int32(pidText), pid == getpid() else {
            throw Missing(reason: "the sockets are for process \(pidText), not this one (\(getpid()))")
        }
        guard let countText = getenv("LISTEN_FDS").map({ String(cString: $0) }), let count = Int32(countText), count > 0 else {
            throw Missing(reason: "systemd passed no sockets (LISTEN_FDS is not a positive number)")
        }
        return Array(3..<(3 + count))
    }
}
