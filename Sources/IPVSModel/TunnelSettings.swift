/// Tunnel encapsulation of a `-i` real server (kernel 5.2+; older kernels only do IPIP).
public struct TunnelSettings: Hashable, Sendable {
    public enum Kind: UInt8, Hashable, Sendable {
        case ipip = 0
        case gue = 1
        case gre = 2

        public var label: String {
            switch self {
            case .ipip: "ipip"
            case .gue: "gue"
            case .gre: "gre"
            }
        }
    }

    public enum Checksum: UInt16, Hashable, Sendable {
        case none = 0
        case checksum = 1
        case remoteChecksum = 2

        public var label: String {
            switch self {
            case .none: "none"
            case .checksum: "checksum"
            case .remoteChecksum: "remote_checksum"
            }
        }
    }

    public var kind: Kind
    /// GUE's UDP port; 0 otherwise.
    public var port: UInt16
    public var checksum: Checksum

    public init(kind: Kind, port: UInt16 = 0, checksum: Checksum = .none) {
        self.kind = kind
        self.port = port
        self.checksum = checksum
    }
}
