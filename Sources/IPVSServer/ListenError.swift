import Glibc
import NIOCore

/// A `--web.listen-address` the exporter could not bind: the address as given and the
/// system's reason in words, with what to do about the usual ones (NIO's own text names its
/// internal call, `bind(descriptor:ptr:bytes:)`, and not the address).
public struct ListenError: Error, CustomStringConvertible, Sendable {
    public var address: ListenAddress
    public var reason: String

    public init(address: ListenAddress, underlying error: any Error) {
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
