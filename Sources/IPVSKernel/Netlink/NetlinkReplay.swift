import Glibc
import IPVSModel
import SystemSupport

/// Recorded replies, by request name, served back as a transport (tests, fuzzing, and
/// `serve --netlink.replay`, which reproduces a user's scrape from their `netlink-dump`).
public struct NetlinkReplay: Sendable {
    public var replies: [String: [UInt8]]

    public init(replies: [String: [UInt8]]) {
        self.replies = replies
    }

    /// The `<request>.bin` files `netlink-dump` wrote to `directory`.
    public init(directory: String) throws(FileError) {
        guard let names = try Files.list(directory) else {
            throw .io(path: directory, errno: ENOENT, message: "no such directory")
        }
        var replies: [String: [UInt8]] = [:]
        for name in names where name.hasSuffix(".bin") {
            replies[String(name.dropLast(4))] = try Files.read(directory + "/" + name)
        }
        guard replies["info"] != nil, replies["services"] != nil else {
            throw .io(path: directory, errno: ENOENT, message: "holds no info.bin and services.bin written by netlink-dump")
        }
        self.replies = replies
    }

    public var transport: NetlinkStateReader.Transport {
        { (name, _, dump, _) throws(NetlinkError) -> NetlinkReply in
            guard let bytes = replies[name] else { throw NetlinkError.truncated("no recorded reply for \(name)") }
            return try NetlinkReply(replaying: bytes, dump: dump)
        }
    }
}
