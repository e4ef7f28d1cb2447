import CLinux
import Glibc

/// Runs work inside another network namespace: `--netns /var/run/netns/NAME` or
/// `/proc/PID/ns/net`.
///
/// setns(2) moves only the calling thread, so each read enters the namespace, does its work on
/// that thread (netlink sockets opened there belong to it; /proc/thread-self/net and
/// /proc/sys/net show it) and returns to the exporter's own namespace. Entering needs
/// CAP_SYS_ADMIN; reading IPVS there through netlink needs CAP_NET_ADMIN as well.
public final class NetworkNamespace: Sendable {
    public let path: String
    private let target: Int32
    private let home: Int32

    public struct Error: Swift.Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    public init(path: String) throws(Error) {
        self.path = path
        let target = open(path, O_RDONLY | O_CLOEXEC)
        guard target >= 0 else {
            throw Error(description: "--netns \(path): \(String(cString: strerror(errno)))")
        }
        let home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)
        guard home >= 0 else {
            let code = errno
            close(target)
            throw Error(description: "/proc/thread-self/ns/net: \(String(cString: strerror(code)))")
        }
        self.target = target
        self.home = home
        // Check now that entering works (permission, a real network namespace).
        do throws(Error) { _ = try run { () throws(Error) in } } catch {
            close(target)
            close(home)
            throw error
        }
    }

    deinit {
        close(target)
        close(home)
    }

    /// Runs `body` on this thread inside the namespace, then comes back.
    public func run<T, E: Swift.Error>(_ body: () throws(E) -> T) throws(Error) -> Result<T, E> {
        guard setns(target, CLinux_CLONE_NEWNET) == 0 else {
            let code = errno
            let hint = code == EPERM ? " (needs CAP_SYS_ADMIN)" : code == EINVAL ? " (not a network namespace)" : ""
            throw Error(description: "entering network namespace \(path): \(String(cString: strerror(code)))\(hint)")
        }
        defer {
            // Coming back cannot fail for a namespace we started in; if it ever did, every
            // later read would still enter the target first, so nothing reads the wrong one.
            _ = setns(home, CLinux_CLONE_NEWNET)
        }
        do throws(E) { return .success(try body()) } catch { return .failure(error) }
    }
}
