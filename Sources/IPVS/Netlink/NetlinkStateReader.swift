/// Reads IPVS through the kernel's "IPVS" generic-netlink family: everything /proc has, plus
/// 64-bit per-service and per-server counters, rates, flags, persistence engine, thresholds,
/// tunnel settings, timeouts and sync daemons. Every command needs CAP_NET_ADMIN.
///
/// Each call opens its own socket (libnl sockets are not thread-safe, scrapes may overlap):
/// GET_INFO, a GET_SERVICE dump, then a GET_DEST dump per service, the way ipvsadm lists.
public struct NetlinkStateReader: IPVSStateReader {
    /// Receives the raw reply bytes of each request (`dump-netlink`, test fixtures).
    public typealias Recorder = @Sendable (_ request: String, _ bytes: [UInt8]) -> Void

    let recorder: Recorder?

    public init(recorder: Recorder? = nil) {
        self.recorder = recorder
    }

    public var source: IPVSSource { .netlink }

    public func serviceTable() throws(IPVSReadError) -> ServiceTable {
        do throws(NetlinkError) {
            let socket = try NetlinkSocket()
            let infoReply = try exchange(socket, "info", IPVSABI.Command.getInfo, dump: false)
            guard let infoPayload = infoReply.messages.first else { throw NetlinkError.malformed("GET_INFO sent no answer") }
            let info = try IPVSNetlinkDecoder.info(infoPayload)
            let servicesReply = try exchange(socket, "services", IPVSABI.Command.getService, dump: true)
            var services: [VirtualService] = []
            services.reserveCapacity(servicesReply.messages.count)
            for payload in servicesReply.messages {
                services.append(try IPVSNetlinkDecoder.service(payload))
            }
            for index in services.indices {
                let id = services[index].id
                let reply = try exchange(
                    socket, "dests-\(index)", IPVSABI.Command.getDest, dump: true,
                    attributes: [.nested(IPVSABI.CommandAttribute.service, Self.identity(id))])
                var servers: [RealServer] = []
                servers.reserveCapacity(reply.messages.count)
                for payload in reply.messages {
                    servers.append(try IPVSNetlinkDecoder.realServer(payload, serviceFamily: id.family))
                }
                services[index].realServers = servers
            }
            return ServiceTable(info: info, services: services, source: .netlink)
        } catch {
            throw Self.map(error)
        }
    }

    public func timeouts() throws(IPVSReadError) -> Timeouts? {
        do throws(NetlinkError) {
            let reply = try exchange(try NetlinkSocket(), "config", IPVSABI.Command.getConfig, dump: false)
            guard let payload = reply.messages.first else { throw NetlinkError.malformed("GET_CONFIG sent no answer") }
            return try IPVSNetlinkDecoder.timeouts(payload)
        } catch {
            throw Self.map(error)
        }
    }

    public func syncDaemons() throws(IPVSReadError) -> [SyncDaemon]? {
        do throws(NetlinkError) {
            let reply = try exchange(try NetlinkSocket(), "daemons", IPVSABI.Command.getDaemon, dump: true)
            var daemons: [SyncDaemon] = []
            for payload in reply.messages { daemons.append(try IPVSNetlinkDecoder.syncDaemon(payload)) }
            return daemons
        } catch {
            throw Self.map(error)
        }
    }

    private func exchange(
        _ socket: NetlinkSocket, _ name: String, _ command: UInt8, dump: Bool, attributes: [NetlinkSocket.Attribute] = []
    ) throws(NetlinkError) -> NetlinkReply {
        do throws(NetlinkError) {
            let reply = try socket.request(command: command, dump: dump, attributes: attributes)
            recorder?(name, reply.raw)
            return reply
        } catch {
            // Name the command the kernel refused.
            if case .kernel(_, let errno) = error { throw NetlinkError.kernel(command: command, errno: errno) }
            throw error
        }
    }

    /// What identifies a service in a GET_DEST request: AF plus the mark, or protocol, the
    /// 16-byte address and the port in network order.
    static func identity(_ id: VirtualServiceID) -> [NetlinkSocket.Attribute] {
        switch id {
        case .firewallMark(let mark, let family):
            return [.u16(IPVSABI.ServiceAttribute.af, family.linuxValue), .u32(IPVSABI.ServiceAttribute.firewallMark, mark)]
        case .address(let proto, let address, let port):
            var bytes = address.bytes
            bytes += [UInt8](repeating: 0, count: 16 - bytes.count)
            return [
                .u16(IPVSABI.ServiceAttribute.af, address.family.linuxValue), .u16(IPVSABI.ServiceAttribute.proto, UInt16(proto.number)),
                .bytes(IPVSABI.ServiceAttribute.address, bytes), .bytes(IPVSABI.ServiceAttribute.port, [UInt8(port >> 8), UInt8(port & 0xFF)]),
            ]
        }
    }

    static func map(_ error: NetlinkError) -> IPVSReadError {
        if case .familyNotFound = error { return .unavailable(error.description) }
        if error.isPermissionDenied {
            return .permissionDenied("\(error.description); every IPVS netlink command needs CAP_NET_ADMIN")
        }
        return .netlink(error.description)
    }
}
