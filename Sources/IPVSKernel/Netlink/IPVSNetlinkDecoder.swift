import IPVSModel

/// Turns the payloads of IPVS netlink replies into model values.
///
/// Every function takes one message payload (generic-netlink header first) and checks it as
/// hostile input: the command, each attribute's size, the presence of what the kernel always
/// sends. Anything else is a ``NetlinkError`` naming the attribute, never a crash or a guess.
public enum IPVSNetlinkDecoder {
    // MARK: Messages

    public static func info(_ payload: [UInt8]) throws(NetlinkError) -> IPVSInfo {
        let fields = try topLevel(payload, command: IPVSABI.Command.setInfo, what: "GET_INFO reply", as: "GET_INFO reply")
        return IPVSInfo(
            version: try fields.u32(IPVSABI.InfoAttribute.version, "VERSION"),
            connectionTableSize: try fields.u32(IPVSABI.InfoAttribute.connectionTableSize, "CONN_TAB_SIZE"))
    }

    public static func timeouts(_ payload: [UInt8]) throws(NetlinkError) -> Timeouts {
        let fields = try topLevel(payload, command: IPVSABI.Command.setConfig, what: "GET_CONFIG reply", as: "GET_CONFIG reply")
        return Timeouts(
            tcp: try fields.u32(IPVSABI.CommandAttribute.timeoutTCP, "TIMEOUT_TCP"),
            tcpFin: try fields.u32(IPVSABI.CommandAttribute.timeoutTCPFin, "TIMEOUT_TCP_FIN"),
            udp: try fields.u32(IPVSABI.CommandAttribute.timeoutUDP, "TIMEOUT_UDP"))
    }

    public static func service(_ payload: [UInt8]) throws(NetlinkError) -> VirtualService {
        let top = try topLevel(payload, command: IPVSABI.Command.newService, what: "service", as: "service reply")
        let fields = try top.nested(IPVSABI.CommandAttribute.service, "SERVICE", as: Context("service"))
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
        let top = try topLevel(payload, command: IPVSABI.Command.newDest, what: "real server", as: "real server reply")
        let fields = try top.nested(IPVSABI.CommandAttribute.dest, "DEST", as: Context("real server"))
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
        func count(_ type: UInt16, _ name: StaticString) throws(NetlinkError) -> Int64 {
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
        let top = try topLevel(payload, command: IPVSABI.Command.newDaemon, what: "sync daemon", as: "daemon reply")
        let fields = try top.nested(IPVSABI.CommandAttribute.daemon, "DAEMON", as: Context("sync daemon"))
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

    /// Checks the generic-netlink header and finds the top-level attributes: `what` names the
    /// message in errors about its structure, `context` in errors about its fields.
    static func topLevel(_ payload: [UInt8], command: UInt8, what: StaticString, as context: StaticString) throws(NetlinkError)
        -> Fields
    {
        guard payload.count >= 4 else { throw .truncated("\(what): \(payload.count) bytes, less than a generic netlink header") }
        guard payload[0] == command else { throw .malformed("\(what): command \(payload[0]), expected \(command)") }
        return try Fields(payload, 4..<payload.count, parsing: Context(what), as: Context(context))
    }

    /// Prefers the 64-bit nest; the 32-bit one truncates connections, packets and rates.
    static func stats(_ fields: borrowing Fields, stats: UInt16, stats64: UInt16, owner: StaticString) throws(NetlinkError) -> (
        TrafficCounters?, TrafficRates?
    ) {
        let values: Fields
        if let wide = try fields.optionalNested(stats64, "STATS64", as: Context(owner, "STATS64")) {
            values = wide
        } else if let narrow = try fields.optionalNested(stats, "STATS", as: Context(owner, "STATS")) {
            values = narrow
        } else {
            return (nil, nil)
        }
        func value(_ type: UInt16, _ name: StaticString) throws(NetlinkError) -> UInt64 { try values.counter(type, name) }
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

    /// Where a region sits, for error messages: up to three words ("real server reply",
    /// "DEST"), joined only when an error is written. The words are literals, so a context
    /// costs nothing on the path that finds no error: 10,000 real servers decode per scrape.
    struct Context {
        var first: StaticString
        var second: StaticString = ""
        var third: StaticString = ""

        init(_ first: StaticString, _ second: StaticString = "", _ third: StaticString = "") {
            self.first = first
            self.second = second
            self.third = third
        }

        /// A region nested in this one under `name`.
        func appending(_ name: StaticString) -> Context {
            second.utf8CodeUnitCount == 0 ? Context(first, name) : Context(first, second, name)
        }

        var text: String {
            [first, second, third].filter { $0.utf8CodeUnitCount > 0 }.map(\.description).joined(separator: " ")
        }
    }

    /// The attributes of one region (`len:u16 type:u16 payload`, 4-byte aligned), checked and
    /// indexed by type in one pass: payload offsets into the message's bytes, no copies and
    /// no array of slices (whose reference counting was most of a 10,000-server decode).
    /// The kernel never repeats an attribute; if a reply does, the first one counts.
    struct Fields {
        /// Attribute types IPVS uses are below 16; higher ones (a newer kernel's) are checked
        /// for size and otherwise skipped.
        static let capacity = 32

        let bytes: [UInt8]
        /// Per type: the payload's start in the high 32 bits and its end in the low ones;
        /// 0 when absent (a payload never starts at 0, its header is before it).
        private var slots: InlineArray<32, UInt64>
        let context: Context

        /// Parses `range` of `bytes`; `parsing` names the region in errors about its structure,
        /// `context` in errors about its fields.
        init(_ bytes: [UInt8], _ range: Range<Int>, parsing: Context, as context: Context) throws(NetlinkError) {
            self.bytes = bytes
            self.context = context
            slots = InlineArray(repeating: 0)
            var offset = range.lowerBound
            let end = range.upperBound
            while offset < end {
                guard end - offset >= 4 else {
                    throw .truncated("\(end - offset) stray bytes after the attributes of \(parsing.text)")
                }
                let length = Int(native16(bytes, offset))
                let type = native16(bytes, offset + 2) & 0x3FFF
                guard length >= 4, offset + length <= end else {
                    throw .truncated("attribute \(type) of \(parsing.text) claims \(length) bytes, \(end - offset) remain")
                }
                if Int(type) < Self.capacity, slots[Int(type)] == 0 {
                    slots[Int(type)] = UInt64(offset + 4) << 32 | UInt64(offset + length)
                }
                offset += (length + 3) & ~3
            }
        }

        func find(_ type: UInt16) -> Range<Int>? {
            guard Int(type) < Self.capacity else { return nil }
            let slot = slots[Int(type)]
            guard slot != 0 else { return nil }
            return Int(slot >> 32)..<Int(slot & 0xFFFF_FFFF)
        }

        func required(_ type: UInt16, _ name: StaticString) throws(NetlinkError) -> Range<Int> {
            guard let payload = find(type) else { throw .malformed("\(context.text) has no \(name) attribute") }
            return payload
        }

        func sized(_ payload: Range<Int>, _ name: StaticString, _ count: Int) throws(NetlinkError) -> Range<Int> {
            guard payload.count == count else {
                throw .malformed("\(context.text) \(name) is \(payload.count) bytes, expected \(count)")
            }
            return payload
        }

        func bytes(_ type: UInt16, _ name: StaticString, count: Int) throws(NetlinkError) -> ArraySlice<UInt8> {
            bytes[try sized(try required(type, name), name, count)]
        }

        func optionalBytes(_ type: UInt16, _ name: StaticString, count: Int) throws(NetlinkError) -> ArraySlice<UInt8>? {
            guard let payload = find(type) else { return nil }
            return bytes[try sized(payload, name, count)]
        }

        private func optionalOffset(_ type: UInt16, _ name: StaticString, count: Int) throws(NetlinkError) -> Int? {
            guard let payload = find(type) else { return nil }
            return try sized(payload, name, count).lowerBound
        }

        private func offset(_ type: UInt16, _ name: StaticString, count: Int) throws(NetlinkError) -> Int {
            try sized(try required(type, name), name, count).lowerBound
        }

        func u16(_ type: UInt16, _ name: StaticString) throws(NetlinkError) -> UInt16 {
            native16(bytes, try offset(type, name, count: 2))
        }

        func optionalU16(_ type: UInt16, _ name: StaticString) throws(NetlinkError) -> UInt16? {
            try optionalOffset(type, name, count: 2).map { native16(bytes, $0) }
        }

        func optionalU8(_ type: UInt16, _ name: StaticString) throws(NetlinkError) -> UInt8? {
            try optionalOffset(type, name, count: 1).map { bytes[$0] }
        }

        func bigEndianU16(_ type: UInt16, _ name: StaticString) throws(NetlinkError) -> UInt16 {
            bigEndian16(bytes, try offset(type, name, count: 2))
        }

        func optionalBigEndianU16(_ type: UInt16, _ name: StaticString) throws(NetlinkError) -> UInt16? {
            try optionalOffset(type, name, count: 2).map { bigEndian16(bytes, $0) }
        }

        func u32(_ type: UInt16, _ name: StaticString) throws(NetlinkError) -> UInt32 {
            native32(bytes, try offset(type, name, count: 4))
        }

        func optionalU32(_ type: UInt16, _ name: StaticString) throws(NetlinkError) -> UInt32? {
            try optionalOffset(type, name, count: 4).map { native32(bytes, $0) }
        }

        /// A statistics field: u64 in STATS64, u32 or u64 in STATS; told apart by length.
        func counter(_ type: UInt16, _ name: StaticString) throws(NetlinkError) -> UInt64 {
            let payload = try required(type, name)
            switch payload.count {
            case 8: return native64(bytes, payload.lowerBound)
            case 4: return UInt64(native32(bytes, payload.lowerBound))
            default: throw .malformed("\(context.text) \(name) is \(payload.count) bytes, expected 4 or 8")
            }
        }

        /// IPVS sends 16-byte addresses (IPv4 in the first 4); a bare 4-byte IPv4 is accepted.
        func address(_ type: UInt16, _ name: StaticString, family: IPAddress.Family) throws(NetlinkError) -> IPAddress {
            let payload = try required(type, name)
            switch (family, payload.count) {
            // Read in place: the generic IPAddress(bytes:) is not specialised across modules
            // and cost a tenth of a 10,000-server decode.
            case (.ipv4, 4), (.ipv4, 16):
                return IPAddress(ipv4: bigEndian32(bytes, payload.lowerBound))
            case (.ipv6, 16):
                let start = payload.lowerBound
                return IPAddress(
                    ipv6High: UInt64(bigEndian32(bytes, start)) << 32 | UInt64(bigEndian32(bytes, start + 4)),
                    low: UInt64(bigEndian32(bytes, start + 8)) << 32 | UInt64(bigEndian32(bytes, start + 12)))
            default:
                throw .malformed("\(context.text) \(name) is \(payload.count) bytes for an \(family) address")
            }
        }

        /// A NUL-terminated string of at most 64 bytes.
        func string(_ type: UInt16, _ name: StaticString) throws(NetlinkError) -> String {
            try decodeString(bytes[try required(type, name)], name)
        }

        func optionalString(_ type: UInt16, _ name: StaticString) throws(NetlinkError) -> String? {
            guard let payload = find(type) else { return nil }
            return try decodeString(bytes[payload], name)
        }

        private func decodeString(_ payload: ArraySlice<UInt8>, _ name: StaticString) throws(NetlinkError) -> String {
            guard let end = payload.firstIndex(of: 0) else {
                throw .malformed("\(context.text) \(name) is not NUL-terminated")
            }
            let text = payload[payload.startIndex..<end]
            guard text.count <= 64, text.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else {
                throw .malformed("\(context.text) \(name) is not a short printable name")
            }
            return String(decoding: text, as: UTF8.self)
        }

        /// The attributes nested under `type`, whose fields `context` names.
        func nested(_ type: UInt16, _ name: StaticString, as context: Context) throws(NetlinkError) -> Fields {
            try Fields(bytes, try required(type, name), parsing: self.context.appending(name), as: context)
        }

        func optionalNested(_ type: UInt16, _ name: StaticString, as context: Context) throws(NetlinkError) -> Fields? {
            guard let payload = find(type) else { return nil }
            return try Fields(bytes, payload, parsing: self.context.appending(name), as: context)
        }
    }
}
