import Glibc

/// Why a netlink exchange failed.
public enum NetlinkError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The generic-netlink family does not exist: ip_vs is not loaded (and could not be).
    case familyNotFound(String)
    /// The kernel answered with an error (negative errno in NLMSG_ERROR or NLMSG_DONE).
    case kernel(command: UInt8, errno: Int32)
    /// A libnl call failed (its own negative NLE_* code).
    case libnl(operation: String, code: Int32)
    case system(operation: String, errno: Int32)
    /// No reply within the receive timeout.
    case timeout(command: UInt8)
    /// A reply that does not have the shape of netlink: lengths that do not fit, a message cut
    /// short, an attribute running past its parent.
    case truncated(String)
    /// A reply that is netlink but not what IPVS sends (a required attribute missing, one of
    /// the wrong size, an unknown address family).
    case malformed(String)

    public var description: String {
        switch self {
        case .familyNotFound(let name): "generic netlink family \(name) not found (is the ip_vs module available?)"
        case .kernel(let command, let errno):
            "IPVS command \(command) refused by the kernel: \(String(cString: strerror(errno))) (errno \(errno))"
        case .libnl(let operation, let code): "\(operation): \(NetlinkSocket.describe(code))"
        case .system(let operation, let errno): "\(operation): \(String(cString: strerror(errno)))"
        case .timeout(let command): "IPVS command \(command): no reply from the kernel"
        case .truncated(let why): "truncated netlink reply: \(why)"
        case .malformed(let why): "malformed IPVS reply: \(why)"
        }
    }

    /// EPERM or EACCES: the process lacks CAP_NET_ADMIN.
    public var isPermissionDenied: Bool {
        if case .kernel(_, let errno) = self { return errno == EPERM || errno == EACCES }
        return false
    }
}

/// Netlink message types the reader cares about.
enum NetlinkType {
    static let noop: UInt16 = 1
    static let error: UInt16 = 2
    static let done: UInt16 = 3
    static let overrun: UInt16 = 4
    static let flagMulti: UInt16 = 0x2
}

/// An attribute of a request, built from plain values (the socket turns it into libnl calls).
public enum NetlinkRequestAttribute: Sendable, Hashable {
    case u16(UInt16, UInt16)
    case u32(UInt16, UInt32)
    case bytes(UInt16, [UInt8])
    case nested(UInt16, [NetlinkRequestAttribute])
}

/// The replies to one request, as raw bytes, with the bookkeeping that tells when they end.
///
/// Pure: ``absorb(_:dump:)`` is what the socket calls with each received buffer, and what
/// tests call with recorded bytes.
public struct NetlinkReply: Sendable {
    public let sequence: UInt32
    public let port: UInt32
    /// The payload of each data message (generic-netlink header included), in order.
    public private(set) var messages: [[UInt8]] = []
    /// Every byte received when `recording` (`netlink-dump`); else empty, as copying a big
    /// director's replies once more at every scrape would be for nothing.
    public private(set) var raw: [UInt8] = []
    public let recording: Bool
    public private(set) var complete = false

    public init(sequence: UInt32, port: UInt32, recording: Bool = false) {
        self.sequence = sequence
        self.port = port
        self.recording = recording
    }

    /// Replays recorded reply bytes (as `netlink-dump` wrote them): the sequence number is the
    /// first message's; the bytes must hold a complete reply.
    public init(replaying bytes: [UInt8], dump: Bool) throws(NetlinkError) {
        guard bytes.count >= 16 else { throw .truncated("\(bytes.count) bytes, less than a message header") }
        self.init(sequence: native32(bytes, 8), port: native32(bytes, 12))
        try absorb(bytes, dump: dump)
        guard complete else { throw .truncated("the reply ends before NLMSG_DONE or its answer") }
    }

    /// The kernel sends -errno; a hostile Int32.min must not trap on negation.
    static func errno(fromNegative code: Int32) -> Int32 {
        code == Int32.min ? Int32.max : -code
    }

    /// Parses one received buffer (one or more netlink messages).
    public mutating func absorb(_ bytes: [UInt8], dump: Bool) throws(NetlinkError) {
        if recording { raw += bytes }
        var offset = 0
        while offset < bytes.count {
            guard bytes.count - offset >= 16 else {
                throw .truncated("\(bytes.count - offset) bytes left, less than a message header")
            }
            let length = Int(native32(bytes, offset))
            let type = native16(bytes, offset + 4)
            let flags = native16(bytes, offset + 6)
            let sequence = native32(bytes, offset + 8)
            guard length >= 16, offset + length <= bytes.count else {
                throw .truncated("message length \(length) at offset \(offset) of \(bytes.count)")
            }
            let payload = Array(bytes[(offset + 16)..<(offset + length)])
            offset += (length + 3) & ~3
            // Replies to other requests (a stale ACK, an old dump) are not ours.
            guard sequence == self.sequence else { continue }
            switch type {
            case NetlinkType.noop:
                continue
            case NetlinkType.error:
                guard payload.count >= 4 else { throw .truncated("NLMSG_ERROR without its error code") }
                let code = Int32(bitPattern: native32(payload, 0))
                if code == 0 {
                    complete = true  // an ACK
                } else {
                    throw .kernel(command: 0, errno: Self.errno(fromNegative: code))
                }
            case NetlinkType.done:
                if payload.count >= 4 {
                    let code = Int32(bitPattern: native32(payload, 0))
                    if code < 0 { throw .kernel(command: 0, errno: Self.errno(fromNegative: code)) }
                }
                complete = true
            case NetlinkType.overrun:
                throw .truncated("the kernel reported an overrun")
            default:
                messages.append(payload)
                if !dump && flags & NetlinkType.flagMulti == 0 { complete = true }
            }
            if complete { return }
        }
    }
}

// MARK: - Byte order
//
// Netlink integers are in the host's byte order unless IPVS says otherwise (ports, the IPv4
// netmask and addresses are big-endian). Indices are absolute: slices keep their base's.

@inline(__always)
func native16<C: RandomAccessCollection<UInt8>>(_ bytes: C, _ index: Int) -> UInt16 where C.Index == Int {
    let b0 = UInt16(bytes[index])
    let b1 = UInt16(bytes[index + 1])
    #if _endian(little)
        return b0 | b1 << 8
    #else
        return b0 << 8 | b1
    #endif
}

@inline(__always)
func native32<C: RandomAccessCollection<UInt8>>(_ bytes: C, _ index: Int) -> UInt32 where C.Index == Int {
    #if _endian(little)
        return UInt32(native16(bytes, index)) | UInt32(native16(bytes, index + 2)) << 16
    #else
        return UInt32(native16(bytes, index)) << 16 | UInt32(native16(bytes, index + 2))
    #endif
}

@inline(__always)
func native64<C: RandomAccessCollection<UInt8>>(_ bytes: C, _ index: Int) -> UInt64 where C.Index == Int {
    #if _endian(little)
        return UInt64(native32(bytes, index)) | UInt64(native32(bytes, index + 4)) << 32
    #else
        return UInt64(native32(bytes, index)) << 32 | UInt64(native32(bytes, index + 4))
    #endif
}

@inline(__always)
func bigEndian16<C: RandomAccessCollection<UInt8>>(_ bytes: C, _ index: Int) -> UInt16 where C.Index == Int {
    UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1])
}

@inline(__always)
func bigEndian32<C: RandomAccessCollection<UInt8>>(_ bytes: C, _ index: Int) -> UInt32 where C.Index == Int {
    UInt32(bigEndian16(bytes, index)) << 16 | UInt32(bigEndian16(bytes, index + 2))
}
