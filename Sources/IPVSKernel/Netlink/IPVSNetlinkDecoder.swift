import IPVSModel

/// Turns the payloads of IPVS netlink replies into model values.
///
/// Every function takes one message payload (generic-netlink header first) and checks it as
/// hostile input: the command, each attribute's size, the presence of what the kernel always
/// sends. Anything else is a ``NetlinkError`` naming the attribute, never a crash or a guess.
public enum IPVSNetlinkDecoder {
    // MARK: Messages

    public static func info(_ payload: [UInt8]) throws(NetlinkError) -> IPVSInfo {
        let attributes = try topLevel(payload, command: IPVSABI.Command.setInfo, what: "GET_INFO reply")
        let fields = Fields(attributes, context: "GET_INFO reply")
        return IPVSInfo(
            version: try fields.u32(IPVSABI.InfoAttribute.version, "VERSION"),
            connectionTableSize: try fields.u32(IPVSABI.InfoAttribute.connectionTableSize, "CONN_TAB_SIZE"))
    }

    public static func timeouts(_ payload: [UInt8]) throws(NetlinkError) -> Timeouts {
        let attributes = try topLevel(payload, command: IPVSABI.Command.setConfig, what: "GET_CONFIG reply")
        let fields = Fields(attributes, context: "GET_CONFIG reply")
        return Timeouts(
            tcp: try fields.u32(IPVSABI.CommandAttribute.timeoutTCP, "TIMEOUT_TCP"),
            tcpFin: try fields.u32(IPVSABI.CommandAttribute.timeoutTCPFin, "TIMEOUT_TCP_FIN"),
            udp: try fields.u32(IPVSABI.CommandAttribute.timeoutUDP, "TIMEOUT_UDP"))
    }

    public static func service(_ payload: [UInt8]) throws(NetlinkError) -> VirtualService {
        let top = Fields(try topLevel(payload, command: IPVSABI.Command.newService, what: "service"), context: "service reply")
        let nested = try top.nested(IPVSABI.CommandAttribute.service, "SERVICE")
        let fields = Fields(nested, context: "service")
        let familyNumber = try fields.u16(IPVSABI.ServiceAttribute.af, "AF")
        guard let family = IPAddress.Family(linuxValue: familyNumber) else {
            throw .malformed("service AF \(familyNumber) is neither AF_INET nor AF_INET6")
        }
        let id: VirtualServiceID
        if let mark = try fields.optionalU32(IPVSABI.ServiceAttribute.firewallMark, "FWMARK"), mark != 0 {
            id = .firewallMark(mark, family: family)
        } else {
            let proto = try fields.u16(IPVSABI.ServiceAttribute.proto, "PROTOCOL")
            guard proto <= 255 else { throw .malformed("service PROTOCOL \(proto) is not an IP protocol number") }
            let address = try fields.address(IPVSABI.ServiceAttribute.address, "ADDR", family: family)
            let port = try fields.bigEndianU16(IPVSABI.ServiceAttribute.port, "PORT")
            id = .address(TransportProtocol(number: UInt8(proto)), address, port: port)
        }
        let scheduler = try fields.string(IPVSABI.ServiceAttribute.schedulerName, "SCHED_NAME")
        let flagBytes = try fields.bytes(IPVSABI.ServiceAttribute.flags, "FLAGS", count: 8)
        let rawFlags = native32(flagBytes, flagBytes.startIndex) & native32(flagBytes, flagBytes.startIndex + 4)
        let flags = ServiceFlags(rawValue: rawFlags & ~IPVSABI.hashedFlag)
        let timeout = try fields.u32(IPVSABI.ServiceAttribute.timeout, "TIMEOUT")
        let maskBytes = try fields.bytes(IPVSABI.ServiceAttribute.netmask, "NETMASK", count: 4)
        let netmask: PersistenceNetmask
        switch family {
        case .ipv4:
            netmask = .ipv4(bigEndian32(maskBytes, maskBytes.startIndex))
        case .ipv6:
            let length = native32(maskBytes, maskBytes.startIndex)
            guard length >= 1 && length <= 128 else {
                throw .malformed("IPv6 service NETMASK \(length) is not a prefix length 1–128")
            }
            netmask = .ipv6(prefixLength: UInt8(length))
        }
        let engine = try fields.optionalString(IPVSABI.ServiceAttribute.persistenceEngine, "PE_NAME")
        let (counters, rates) = try stats(
            fields, stats: IPVSABI.ServiceAttribute.stats, stats64: IPVSABI.ServiceAttribute.stats64, owner: "service")
        return VirtualService(
            id: id, scheduler: Scheduler(scheduler), flags: flags, onePacket: flags.contains(.onePacket),
            persistence: flags.contains(.persistent) ? Persistence(timeoutSeconds: timeout, netmask: netmask) : nil,
            persistenceEngine: engine.flatMap { $0.isEmpty ? nil : $0 }, counters: counters, rates: rates)
    }

    /// - Parameter serviceFamily: the family of the service the dump was for; a real server
    ///   without ADDR_FAMILY (kernels before 3.18) has it.
    public static func realServer(_ payload: [UInt8], serviceFamily: IPAddress.Family) throws(NetlinkError) -> RealServer {
        let top = Fields(
            try topLevel(payload, command: IPVSABI.Command.newDest, what: "real server"), context: "real server reply")
        let fields = Fields(try top.nested(IPVSABI.CommandAttribute.dest, "DEST"), context: "real server")
        var family = serviceFamily
        if let number = try fields.optionalU16(IPVSABI.DestAttribute.addressFamily, "ADDR_FAMILY"), number != 0 {
            guard let value = IPAddress.Family(linuxValue: number) else {
                throw .malformed("real server ADDR_FAMILY \(number) is neither AF_INET nor AF_INET6")
            }
            family = value
        }
        let address = try fields.address(IPVSABI.DestAttribute.address, "ADDR", family: family)
        let port = try fields.bigEndianU16(IPVSABI.DestAttribute.port, "PORT")
        let method = try fields.u32(IPVSABI.DestAttribute.forwardingMethod, "FWD_METHOD") & IPVSABI.forwardingMask
        guard let forwarding = ForwardingMethod(rawValue: method) else {
            throw .malformed("real server FWD_METHOD \(method) is not a forwarding method")
        }
        let weight = try fields.u32(IPVSABI.DestAttribute.weight, "WEIGHT")
        guard weight <= UInt32(Int32.max) else { throw .malformed("real server WEIGHT \(weight) is above INT_MAX") }
        var tunnel: TunnelSettings?
        if forwarding == .tunneling {
            let kindNumber = try fields.optionalU8(IPVSABI.DestAttribute.tunnelType, "TUN_TYPE") ?? 0
            guard let kind = TunnelSettings.Kind(rawValue: kindNumber) else {
                throw .malformed("real server TUN_TYPE \(kindNumber) is not IPIP, GUE or GRE")
            }
            let tunnelPort = try fields.optionalBigEndianU16(IPVSABI.DestAttribute.tunnelPort, "TUN_PORT") ?? 0
            let checksumNumber = try fields.optionalU16(IPVSABI.DestAttribute.tunnelFlags, "TUN_FLAGS") ?? 0
            guard let checksum = TunnelSettings.Checksum(rawValue: checksumNumber) else {
                throw .malformed("real server TUN_FLAGS \(checksumNumber) is not a checksum mode")
            }
            tunnel = TunnelSettings(kind: kind, port: tunnelPort, checksum: checksum)
        }
        let (counters, rates) = try stats(
            fields, stats: IPVSABI.DestAttribute.stats, stats64: IPVSABI.DestAttribute.stats64, owner: "real server")
        // The connection counts are atomic_t (int) in the kernel, sent as u32.
        func count(_ type: UInt16, _ name: String) throws(NetlinkError) -> Int64 {
            Int64(Int32(bitPattern: try fields.u32(type, name)))
        }
        return RealServer(
            address: address, port: port, forwarding: forwarding, weight: weight,
            activeConnections: try count(IPVSABI.DestAttribute.activeConnections, "ACTIVE_CONNS"),
            inactiveConnections: try count(IPVSABI.DestAttribute.inactiveConnections, "INACT_CONNS"),
            persistentConnections: try count(IPVSABI.DestAttribute.persistentConnections, "PERSIST_CONNS"),
            upperThreshold: try fields.u32(IPVSABI.DestAttribute.upperThreshold, "U_THRESH"),
            lowerThreshold: try fields.u32(IPVSABI.DestAttribute.lowerThreshold, "L_THRESH"),
            tunnel: tunnel, counters: counters, rates: rates)
    }

    public static func syncDaemon(_ payload: [UInt8]) throws(NetlinkError) -> SyncDaemon {
        let top = Fields(try topLevel(payload, command: IPVSABI.Command.newDaemon, what: "sync daemon"), context: "daemon reply")
        let fields = Fields(try top.nested(IPVSABI.CommandAttribute.daemon, "DAEMON"), context: "sync daemon")
        let stateNumber = try fields.u32(IPVSABI.DaemonAttribute.state, "STATE")
        guard let state = SyncDaemon.State(rawValue: stateNumber) else {
            throw .malformed("sync daemon STATE \(stateNumber) is neither master (1) nor backup (2)")
        }
        var group: IPAddress?
        if let bytes = try fields.optionalBytes(IPVSABI.DaemonAttribute.group6, "MCAST_GROUP6", count: 16) {
            group = IPAddress(bytes: bytes)
        } else if let bytes = try fields.optionalBytes(IPVSABI.DaemonAttribute.group, "MCAST_GROUP", count: 4) {
            group = IPAddress(bytes: bytes)
        }
        return SyncDaemon(
            state: state, interface: try fields.string(IPVSABI.DaemonAttribute.interface, "MCAST_IFN"),
            syncID: try fields.u32(IPVSABI.DaemonAttribute.syncID, "SYNC_ID"),
            maxLength: try fields.optionalU16(IPVSABI.DaemonAttribute.maxLength, "SYNC_MAXLEN"), group: group,
            // The multicast port is the one IPVS port in host order.
            port: try fields.optionalU16(IPVSABI.DaemonAttribute.port, "MCAST_PORT"),
            ttl: try fields.optionalU8(IPVSABI.DaemonAttribute.ttl, "MCAST_TTL"))
    }

    // MARK: Pieces

    /// Checks the generic-netlink header and returns the top-level attributes.
    static func topLevel(_ payload: [UInt8], command: UInt8, what: String) throws(NetlinkError) -> [NetlinkAttribute] {
        guard payload.count >= 4 else { throw .truncated("\(what): \(payload.count) bytes, less than a generic netlink header") }
        guard payload[0] == command else { throw .malformed("\(what): command \(payload[0]), expected \(command)") }
        return try NetlinkAttribute.parse(payload[4...], context: what)
    }

    /// Prefers the 64-bit nest; the 32-bit one truncates connections, packets and rates.
    static func stats(_ fields: Fields, stats: UInt16, stats64: UInt16, owner: String) throws(NetlinkError) -> (
        TrafficCounters?, TrafficRates?
    ) {
        let nest: [NetlinkAttribute]
        let context: String
        if let wide = try fields.optionalNested(stats64, "STATS64") {
            nest = wide
            context = "\(owner) STATS64"
        } else if let narrow = try fields.optionalNested(stats, "STATS") {
            nest = narrow
            context = "\(owner) STATS"
        } else {
            return (nil, nil)
        }
        let values = Fields(nest.filter { $0.type != IPVSABI.StatsAttribute.pad }, context: context)
        func value(_ type: UInt16, _ name: String) throws(NetlinkError) -> UInt64 { try values.counter(type, name) }
        let counters = TrafficCounters(
            connections: try value(IPVSABI.StatsAttribute.connections, "CONNS"),
            incomingPackets: try value(IPVSABI.StatsAttribute.incomingPackets, "INPKTS"),
            outgoingPackets: try value(IPVSABI.StatsAttribute.outgoingPackets, "OUTPKTS"),
            incomingBytes: try value(IPVSABI.StatsAttribute.incomingBytes, "INBYTES"),
            outgoingBytes: try value(IPVSABI.StatsAttribute.outgoingBytes, "OUTBYTES"))
        let rates = TrafficRates(
            connections: try value(IPVSABI.StatsAttribute.cps, "CPS"),
            incomingPackets: try value(IPVSABI.StatsAttribute.incomingPPS, "INPPS"),
            outgoingPackets: try value(IPVSABI.StatsAttribute.outgoingPPS, "OUTPPS"),
            incomingBytes: try value(IPVSABI.StatsAttribute.incomingBPS, "INBPS"),
            outgoingBytes: try value(IPVSABI.StatsAttribute.outgoingBPS, "OUTBPS"))
        return (counters, rates)
    }

    /// Attribute lookup with size checks. The kernel never repeats an attribute; if a reply
    /// does, the first one counts.
    struct Fields {
        let attributes: [NetlinkAttribute]
        let context: String

        init(_ attributes: [NetlinkAttribute], context: String) {
            self.attributes = attributes
            self.context = context
        }

        func find(_ type: UInt16) -> ArraySlice<UInt8>? {
            attributes.first { $0.type == type }?.payload
        }

        func required(_ type: UInt16, _ name: String) throws(NetlinkError) -> ArraySlice<UInt8> {
            guard let payload = find(type) else { throw .malformed("\(context) has no \(name) attribute") }
            return payload
        }

        func sized(_ payload: ArraySlice<UInt8>, _ name: String, _ count: Int) throws(NetlinkError) -> ArraySlice<UInt8> {
            guard payload.count == count else {
                throw .malformed("\(context) \(name) is \(payload.count) bytes, expected \(count)")
            }
            return payload
        }

        func bytes(_ type: UInt16, _ name: String, count: Int) throws(NetlinkError) -> ArraySlice<UInt8> {
            try sized(try required(type, name), name, count)
        }

        func optionalBytes(_ type: UInt16, _ name: String, count: Int) throws(NetlinkError) -> ArraySlice<UInt8>? {
            guard let payload = find(type) else { return nil }
            return try sized(payload, name, count)
        }

        func u16(_ type: UInt16, _ name: String) throws(NetlinkError) -> UInt16 {
            let payload = try bytes(type, name, count: 2)
            return native16(payload, payload.startIndex)
        }

        func optionalU16(_ type: UInt16, _ name: String) throws(NetlinkError) -> UInt16? {
            guard let payload = try optionalBytes(type, name, count: 2) else { return nil }
            return native16(payload, payload.startIndex)
        }

        func optionalU8(_ type: UInt16, _ name: String) throws(NetlinkError) -> UInt8? {
            guard let payload = try optionalBytes(type, name, count: 1) else { return nil }
            return payload[payload.startIndex]
        }

        func bigEndianU16(_ type: UInt16, _ name: String) throws(NetlinkError) -> UInt16 {
            let payload = try bytes(type, name, count: 2)
            return bigEndian16(payload, payload.startIndex)
        }

        func optionalBigEndianU16(_ type: UInt16, _ name: String) throws(NetlinkError) -> UInt16? {
            guard let payload = try optionalBytes(type, name, count: 2) else { return nil }
            return bigEndian16(payload, payload.startIndex)
        }

        func u32(_ type: UInt16, _ name: String) throws(NetlinkError) -> UInt32 {
            let payload = try bytes(type, name, count: 4)
            return native32(payload, payload.startIndex)
        }

        func optionalU32(_ type: UInt16, _ name: String) throws(NetlinkError) -> UInt32? {
            guard let payload = try optionalBytes(type, name, count: 4) else { return nil }
            return native32(payload, payload.startIndex)
        }

        /// A statistics field: u64 in STATS64, u32 or u64 in STATS; told apart by length.
        func counter(_ type: UInt16, _ name: String) throws(NetlinkError) -> UInt64 {
            let payload = try required(type, name)
            switch payload.count {
            case 8: return native64(payload, payload.startIndex)
            case 4: return UInt64(native32(payload, payload.startIndex))
            default: throw .malformed("\(context) \(name) is \(payload.count) bytes, expected 4 or 8")
            }
        }

        /// IPVS sends 16-byte addresses (IPv4 in the first 4); a bare 4-byte IPv4 is accepted.
        func address(_ type: UInt16, _ name: String, family: IPAddress.Family) throws(NetlinkError) -> IPAddress {
            let payload = try required(type, name)
            switch (family, payload.count) {
            case (.ipv4, 4), (.ipv4, 16):
                return IPAddress(bytes: payload.prefix(4))!
            case (.ipv6, 16):
                return IPAddress(bytes: payload)!
            default:
                throw .malformed("\(context) \(name) is \(payload.count) bytes for an \(family) address")
            }
        }

        /// A NUL-terminated string of at most 64 bytes.
        func string(_ type: UInt16, _ name: String) throws(NetlinkError) -> String {
            let payload = try required(type, name)
            return try decodeString(payload, name)
        }

        func optionalString(_ type: UInt16, _ name: String) throws(NetlinkError) -> String? {
            guard let payload = find(type) else { return nil }
            return try decodeString(payload, name)
        }

        private func decodeString(_ payload: ArraySlice<UInt8>, _ name: String) throws(NetlinkError) -> String {
            guard let end = payload.firstIndex(of: 0) else { throw .malformed("\(context) \(name) is not NUL-terminated") }
            let text = payload[payload.startIndex..<end]
            guard text.count <= 64, text.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else {
                throw .malformed("\(context) \(name) is not a short printable name")
            }
            return String(decoding: text, as: UTF8.self)
        }

        func nested(_ type: UInt16, _ name: String) throws(NetlinkError) -> [NetlinkAttribute] {
            try NetlinkAttribute.parse(try required(type, name), context: "\(context) \(name)")
        }

        func optionalNested(_ type: UInt16, _ name: String) throws(NetlinkError) -> [NetlinkAttribute]? {
            guard let payload = find(type) else { return nil }
            return try NetlinkAttribute.parse(payload, context: "\(context) \(name)")
        }
    }
}
