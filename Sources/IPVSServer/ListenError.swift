import Glibc
import NIOCore

/// A `--web.listen-address` the exporter could not bind: the address as given and the
/// system's reason in words, with what to do about the usual ones (NIO's own text names its
/// internal call, `bind(descriptor:ptr:bytes:)`, and not the address).
public struct ListenError: Error, CustomStringConvertible, Sendable {
    /// The address as given, or the systemd socket's descriptor.
    public var address: String
    public var reason: String

    public init(address: ListenAddress, underlying error: any Error) {
        self.init(described: "\(address)", underlying: error)
    }

    /// A socket systemd passed that could not be adopted (not a listening TCP socket?).
    public init(systemdSocket descriptor: Int32, underlying error: any Error) {
        self.init(described: "systemd socket (descriptor \(descriptor))", underlying: error)
    }

    private init(described address: String, underlying error: any Error) {
        self.address = address
        guard let io = error as? IOError else {
            reason = "\(error)"
            return
        }
        let text = String(cString: strerror(io.errnoCode)).lowercased()
        switch io.errnoCode {
        case EADDRINUSE:
            reason = "\(text): another process (another exporter?) listens there; pick another port with --web.listen-address"
        case EACCES:
            reason = "\(text): ports below 1024 need root or CAP_NET_BIND_SERVICE"
        case EADDRNOTAVAIL:
            reason = "\(text): no interface of this host has that address"
        default:
            reason = text
        }
    }

    public var description: String { "cannot listen on \(address): \(reason)" }
}
