import Glibc
import IPVSModel
import SystemSupport

/// Reads IPVS through the kernel's "IPVS" generic-netlink family: everything /proc has, plus
/// 64-bit per-service and per-server counters, rates, flags, persistence engine, thresholds,
/// tunnel settings, timeouts and sync daemons. Every command needs CAP_NET_ADMIN.
///
/// Each call opens its own socket (libnl sockets are not thread-safe, scrapes may overlap):
/// GET_INFO, a GET_SERVICE dump, then a GET_DEST dump per service, the way ipvsadm lists.
public struct NetlinkStateReader: IPVSStateReader {
    /// Receives the raw reply bytes of each request (`netlink-dump`, test fixtures).
    public typealias Recorder = @Sendable (_ request: String, _ bytes: [UInt8]) -> Void

    /// Sends one request: (name for recordings, command, dump or not, attributes) → reply.
    public typealias Transport = (String, UInt8, Bool, [NetlinkRequestAttribute]) throws(NetlinkError) -> NetlinkReply

    /// A transport for one read: a fresh socket, or recorded replies.
    let makeTransport: @Sendable () throws(NetlinkError) -> Transport

    public init(recorder: Recorder? = nil) {
        makeTransport = { () throws(NetlinkError) -> Transport in try Self.liveTransport(recorder: recorder) }
    }

    /// Serves recorded replies in place of the kernel: the same decoding, so the same metrics,
    /// as the scrape that was recorded (`serve --netlink.replay`). A reply the recording lacks
    /// (an old dump without `config.bin`) fails that read, as a refusing kernel would.
    public init(replay: NetlinkReplay) {
        makeTransport = { () throws(NetlinkError) -> Transport in replay.transport }
    }

    public var source: IPVSSource { .netlink }

    public func serviceTable() throws(IPVSReadError) -> ServiceTable {
        do throws(NetlinkError) { return try Self.serviceTable(using: try makeTransport()) } catch { throw Self.map(error) }
    }

    public func timeouts() throws(IPVSReadError) -> Timeouts? {
        do throws(NetlinkError) { return try Self.timeouts(using: try makeTransport()) } catch { throw Self.map(error) }
    }

    public func syncDaemons() throws(IPVSReadError) -> [SyncDaemon]? {
        do throws(NetlinkError) { return try Self.syncDaemons(using: try makeTransport()) } catch { throw Self.map(error) }
    }

    /// A fresh socket, with the replies recorded if asked.
    private static func liveTransport(recorder: Recorder?) throws(NetlinkError) -> Transport {
        let socket = try NetlinkSocket()
        return { (name, command, dump, attributes) throws(NetlinkError) -> NetlinkReply in
            let reply = try socket.request(command: command, dump: dump, attributes: attributes, recording: recorder != nil)
            recorder?(name, reply.raw)
            return reply
        }
    }

    // MARK: The requests, over any transport (the socket, or recorded replies in tests)

    public static func serviceTable(using transport: Transport) throws(NetlinkError) -> ServiceTable {
        let infoReply = try transport("info", IPVSABI.Command.getInfo, false, [])
        guard let infoPayload = infoReply.messages.first else { throw NetlinkError.malformed("GET_INFO sent no answer") }
        let info = try IPVSNetlinkDecoder.info(infoPayload)
        let servicesReply = try transport("services", IPVSABI.Command.getService, true, [])
        var services: [VirtualService] = []
        services.reserveCapacity(servicesReply.messages.count)
        for payload in servicesReply.messages {
            services.append(try IPVSNetlinkDecoder.service(payload))
        }
        var present: [VirtualService] = []
        present.reserveCapacity(services.count)
        for index in services.indices {
            let id = services[index].id
            let selector: [NetlinkRequestAttribute] = [.nested(IPVSABI.CommandAttribute.service, identity(id))]
            let reply = try transport("dests-\(index)", IPVSABI.Command.getDest, true, selector)
            var servers: [RealServer] = []
            servers.reserveCapacity(reply.messages.count)
            for payload in reply.messages {
                servers.append(try IPVSNetlinkDecoder.realServer(payload, serviceFamily: id.family))
            }
            if servers.isEmpty {
                // The kernel answers GET_DEST for a service deleted since GET_SERVICE listed it
                // with an empty dump, as for a service without real servers: ask for the
                // service itself, or a deleted one would be reported, emptied, for a scrape.
                do throws(NetlinkError) {
                    _ = try transport("service-\(index)", IPVSABI.Command.getService, false, selector)
                } catch {
                    guard case .kernel(_, let errno) = error, errno == ESRCH || errno == ENOENT else { throw error }
                    continue
                }
            }
            var service = services[index]
            service.realServers = servers
            present.append(service)
        }
        return ServiceTable(info: info, services: present, source: .netlink)
    }

    public static func timeouts(using transport: Transport) throws(NetlinkError) -> Timeouts {
        let reply = try transport("config", IPVSABI.Command.getConfig, false, [])
        guard let payload = reply.messages.first else { throw NetlinkError.malformed("GET_CONFIG sent no answer") }
        return try IPVSNetlinkDecoder.timeouts(payload)
    }

    public static func syncDaemons(using transport: Transport) throws(NetlinkError) -> [SyncDaemon] {
        let reply = try transport("daemons", IPVSABI.Command.getDaemon, true, [])
        var daemons: [SyncDaemon] = []
        for payload in reply.messages { daemons.append(try IPVSNetlinkDecoder.syncDaemon(payload)) }
        return daemons
    }

    /// An address as the kernel's attributes carry it: `union nf_inet_addr`, 16 bytes.
    package static func addressBytes(_ address: IPAddress) -> [UInt8] {
        address.bytes + [UInt8](repeating: 0, count: 16 - address.bytes.count)
    }

    /// A port in network order (`__be16`).
    package static func portBytes(_ port: UInt16) -> [UInt8] {
        [UInt8(port >> 8), UInt8(port & 0xFF)]
    }

    /// What identifies a service in a GET_DEST request: AF plus the mark, or protocol, the
    /// 16-byte address and the port in network order.
    package static func identity(_ id: VirtualServiceID) -> [NetlinkRequestAttribute] {
        switch id {
        case .firewallMark(let mark, let family):
            return [.u16(IPVSABI.ServiceAttribute.af, family.linuxValue), .u32(IPVSABI.ServiceAttribute.firewallMark, mark)]
        case .address(let proto, let address, let port):
            return [
                .u16(IPVSABI.ServiceAttribute.af, address.family.linuxValue),
                .u16(IPVSABI.ServiceAttribute.proto, UInt16(proto.number)),
                .bytes(IPVSABI.ServiceAttribute.address, addressBytes(address)),
                .bytes(IPVSABI.ServiceAttribute.port, portBytes(port)),
            ]
        }
    }

    static func map(_ error: NetlinkError) -> IPVSReadError {
        if case .familyNotFound = error { return .unavailable(error.description) }
        if error.isPermissionDenied {
            return .permissionDenied("\(error.description); every IPVS netlink command needs CAP_NET_ADMIN")
        }
        return .netlink(error)
    }
}
