import IPVSModel
import SystemSupport

/// Parses `/proc/net/ip_vs`: the virtual services and their real servers.
///
/// The layout is `ip_vs_info_seq_show()` in the kernel's `ip_vs_ctl.c`: a three-line header,
/// then one line per service (`TCP  0A000001:0050 rr  persistent 90000 FFFFFFFF`) followed by
/// its real servers (`  -> C0A8010A:1F90      Masq    1      0          0`). Addresses and
/// ports are hex; IPv6 is the uncompressed `%pI6` form in brackets; the persistence timeout is
/// in jiffies; the IPv6 persistence mask is the prefix length, byte-swapped.
///
/// What the file cannot say stays nil in the model: scheduler flags, the persistence engine,
/// thresholds, tunnel settings, traffic counters, and, for IPv6 services, the one-packet flag.
public enum ServiceTableParser {
    static let headerExpectation = "the header \"IP Virtual Server version X.Y.Z (size=N)\""

    /// - Parameters:
    ///   - bytes: The whole file.
    ///   - file: The path, for error messages.
    ///   - hz: The kernel's CONFIG_HZ when known for certain; without it persistence timeouts
    ///     stay in jiffies and ``Persistence/timeoutSeconds`` is nil.
    public static func parse(_ bytes: [UInt8], file: String, hz: UInt32?) throws(ProcParseError) -> ServiceTable {
        var cursor = LineCursor(file: file, bytes: bytes)
        let info = try parseHeader(&cursor)
        var services: [VirtualService] = []
        var pendingMasks: [Int: UInt32] = [:]  // firewall-mark services whose family is settled at the end
        var fields: [Token] = []
        while let line = cursor.next() {
            tokens(of: line, into: &fields)
            guard let first = fields.first else {
                throw cursor.error("a service line or a real server line", found: line)
            }
            if first.equals("->") {
                guard !services.isEmpty else {
                    throw cursor.error("a service line before the first real server", token: first)
                }
                services[services.count - 1].realServers.append(try parseRealServer(fields, cursor))
            } else {
                if let last = services.indices.last { services[last].realServers.shrinkToFit() }
                let (service, rawMask) = try parseService(fields, line: line, cursor, hz: hz)
                if let rawMask { pendingMasks[services.count] = rawMask }
                services.append(service)
            }
        }
        if let last = services.indices.last { services[last].realServers.shrinkToFit() }
        var evidenced = Set<Int>()
        for (index, rawMask) in pendingMasks where settleFirewallMarkFamily(&services[index], rawMask: rawMask) {
            evidenced.insert(index)
        }
        for index in services.indices where services[index].id.firewallMark != nil && services[index].persistence == nil {
            if settleFirewallMarkFamily(&services[index], rawMask: nil) { evidenced.insert(index) }
        }
        pairDualStackMarks(&services, evidenced: evidenced)
        return ServiceTable(info: info, services: services)
    }

    // MARK: - Header

    private static func parseHeader(_ cursor: inout LineCursor) throws(ProcParseError) -> IPVSInfo {
        guard let first = cursor.next() else {
            throw ProcParseError(file: cursor.file, line: 1, found: "an empty file", expected: headerExpectation)
        }
        let words = tokens(of: first)
        guard words.count == 6, words[0].equals("IP"), words[1].equals("Virtual"), words[2].equals("Server"),
            words[3].equals("version")
        else {
            throw cursor.error(headerExpectation, found: first)
        }
        let parts = words[4].bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 3, let major = parseDecimal(parts[0], as: UInt8.self),
            let minor = parseDecimal(parts[1], as: UInt8.self), let patch = parseDecimal(parts[2], as: UInt8.self)
        else {
            throw cursor.error("a version X.Y.Z", token: words[4])
        }
        let sizeToken = words[5].bytes
        guard sizeToken.count > 7, sizeToken.starts(with: "(size=".utf8), sizeToken.last == UInt8(ascii: ")"),
            let size = parseDecimal(sizeToken.dropFirst(6).dropLast(), as: UInt32.self)
        else {
            throw cursor.error("\"(size=N)\"", token: words[5])
        }
        guard let second = cursor.next() else {
            throw cursor.errorAtEnd("the header \"Prot LocalAddress:Port Scheduler Flags\"")
        }
        guard second.starts(with: "Prot LocalAddress:Port".utf8) else {
            throw cursor.error("the header \"Prot LocalAddress:Port Scheduler Flags\"", found: second)
        }
        guard let third = cursor.next() else {
            throw cursor.errorAtEnd("the header \"  -> RemoteAddress:Port Forward Weight ActiveConn InActConn\"")
        }
        let thirdWords = tokens(of: third)
        guard thirdWords.count >= 2, thirdWords[0].equals("->"), thirdWords[1].equals("RemoteAddress:Port") else {
            throw cursor.error("the header \"  -> RemoteAddress:Port Forward Weight ActiveConn InActConn\"", found: third)
        }
        let version = UInt32(major) << 16 | UInt32(minor) << 8 | UInt32(patch)
        return IPVSInfo(version: version, connectionTableSize: size)
    }

    // MARK: - Services

    /// Returns the service and, for a persistent firewall-mark service, its raw mask (the family
    /// of a firewall-mark service is not printed and is settled once its real servers are known).
    private static func parseService(
        _ fields: [Token], line: ArraySlice<UInt8>, _ cursor: LineCursor, hz: UInt32?
    ) throws(ProcParseError) -> (VirtualService, UInt32?) {
        let protoToken = fields[0]
        guard fields.count >= 3 else {
            throw cursor.error("a service line \"PROTO ADDRESS:PORT SCHEDULER [ops] [persistent T MASK]\"", found: line)
        }
        let id: VirtualServiceID
        if protoToken.equals("FWM") {
            guard fields[1].bytes.count == 8, let mark = parseHex(fields[1].bytes, as: UInt32.self) else {
                throw cursor.error("a firewall mark of 8 hex digits", token: fields[1])
            }
            id = .firewallMark(mark, family: .ipv4)
        } else {
            let proto: TransportProtocol
            if protoToken.equals("TCP") {
                proto = .tcp
            } else if protoToken.equals("UDP") {
                proto = .udp
            } else if protoToken.equals("SCTP") {
                proto = .sctp
            } else {
                throw cursor.error("a protocol TCP, UDP, SCTP or FWM", token: protoToken)
            }
            let (address, port) = try parseAddressPort(fields[1], cursor)
            id = .address(proto, address, port: port)
        }
        let scheduler = fields[2].string
        guard fields[2].bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }), fields[2].bytes.count <= 15 else {
            throw cursor.error("a scheduler name", token: fields[2])
        }

        var index = 3
        var onePacket = false
        if index < fields.count && fields[index].equals("ops") {
            onePacket = true
            index += 1
        }
        var persistence: Persistence?
        var rawFirewallMarkMask: UInt32?
        if index < fields.count {
            guard fields[index].equals("persistent") else {
                throw cursor.error("\"ops\", \"persistent\" or the end of the line", token: fields[index])
            }
            guard index + 2 < fields.count else {
                throw cursor.error("\"persistent TIMEOUT MASK\"", found: fields[index].bytes)
            }
            guard let jiffies = parseDecimal(fields[index + 1].bytes, as: UInt64.self) else {
                throw cursor.error("a persistence timeout in jiffies (decimal)", token: fields[index + 1])
            }
            guard fields[index + 2].bytes.count == 8, let rawMask = parseHex(fields[index + 2].bytes, as: UInt32.self) else {
                throw cursor.error("a persistence mask of 8 hex digits", token: fields[index + 2])
            }
            let netmask: PersistenceNetmask
            switch id {
            case .address(_, let address, _) where address.family == .ipv6:
                guard let length = ipv6PrefixLength(rawMask) else {
                    throw cursor.error("an IPv6 prefix length 1–128 (printed byte-swapped)", token: fields[index + 2])
                }
                netmask = .ipv6(prefixLength: length)
            case .address:
                netmask = .ipv4(rawMask)
            case .firewallMark:
                // Provisional: the family, and so the meaning of the mask, is settled at the end.
                netmask = .ipv4(rawMask)
                rawFirewallMarkMask = rawMask
            }
            persistence = Persistence(
                timeoutSeconds: seconds(fromJiffies: jiffies, hz: hz), timeoutJiffies: jiffies, netmask: netmask)
            index += 3
        }
        guard index == fields.count else {
            throw cursor.error("the end of the line", token: fields[index])
        }
        // /proc prints "ops" for IPv4 and firewall-mark services only (ip_vs_info_seq_show).
        let knowsOnePacket = id.firewallMark != nil || id.family == .ipv4
        let service = VirtualService(
            id: id, scheduler: Scheduler(scheduler), onePacket: knowsOnePacket ? onePacket : nil, persistence: persistence)
        return (service, rawFirewallMarkMask)
    }

    /// `0A000001:0050` or `[2001:0db8:…:0001]:0050`.
    private static func parseAddressPort(_ token: Token, _ cursor: LineCursor) throws(ProcParseError) -> (IPAddress, UInt16) {
        let bytes = token.bytes
        if bytes.first == UInt8(ascii: "[") {
            guard bytes.count == 46, bytes[bytes.startIndex + 40] == UInt8(ascii: "]"),
                bytes[bytes.startIndex + 41] == UInt8(ascii: ":"),
                let address = parseFullIPv6(bytes[(bytes.startIndex + 1)..<(bytes.startIndex + 40)]),
                let port = parseHex(bytes.suffix(4), as: UInt16.self)
            else {
                throw cursor.error("[IPV6]:PORT with the full 8-group address and 4 hex digits of port", token: token)
            }
            return (address, port)
        }
        guard bytes.count == 13, bytes[bytes.startIndex + 8] == UInt8(ascii: ":"),
            let value = parseHex(bytes.prefix(8), as: UInt32.self), let port = parseHex(bytes.suffix(4), as: UInt16.self)
        else {
            throw cursor.error("ADDRESS:PORT as 8 and 4 hex digits, or [IPV6]:PORT", token: token)
        }
        return (IPAddress(ipv4: value), port)
    }

    // MARK: - Real servers

    private static func parseRealServer(_ fields: [Token], _ cursor: LineCursor) throws(ProcParseError) -> RealServer {
        guard fields.count == 6 else {
            let found = fields.count > 6 ? fields[6].bytes : fields[fields.count - 1].bytes
            throw cursor.error(
                "\"-> ADDRESS:PORT FORWARD WEIGHT ACTIVECONN INACTCONN\"", found: found,
                column: fields.count > 6 ? fields[6].column : nil)
        }
        let (address, port) = try parseAddressPort(fields[1], cursor)
        let forwarding: ForwardingMethod
        if fields[2].equals("Masq") {
            forwarding = .masquerading
        } else if fields[2].equals("Route") {
            forwarding = .directRouting
        } else if fields[2].equals("Tunnel") {
            forwarding = .tunneling
        } else if fields[2].equals("Local") {
            forwarding = .local
        } else {
            throw cursor.error("a forwarding method Masq, Route, Tunnel or Local", token: fields[2])
        }
        guard let weight = parseDecimal(fields[3].bytes, as: Int32.self), weight >= 0 else {
            throw cursor.error("a weight (decimal, 0 or more)", token: fields[3])
        }
        guard let active = parseDecimal(fields[4].bytes, as: Int32.self) else {
            throw cursor.error("an active connection count (decimal)", token: fields[4])
        }
        guard let inactive = parseDecimal(fields[5].bytes, as: Int32.self) else {
            throw cursor.error("an inactive connection count (decimal)", token: fields[5])
        }
        return RealServer(
            address: address, port: port, forwarding: forwarding, weight: UInt32(weight),
            activeConnections: Int64(active), inactiveConnections: Int64(inactive))
    }

    // MARK: - Facts /proc leaves implicit

    /// The kernel stores an IPv6 prefix length as a host-order u32 and prints `ntohl()` of it,
    /// so on little-endian machines /64 shows as `40000000`. Accepts both byte orders.
    static func ipv6PrefixLength(_ raw: UInt32) -> UInt8? {
        if raw >= 1 && raw <= 128 { return UInt8(raw) }
        if raw & 0x00FF_FFFF == 0 {
            let length = raw >> 24
            if length >= 1 && length <= 128 { return UInt8(length) }
        }
        return nil
    }

    static func isContiguousIPv4Mask(_ mask: UInt32) -> Bool {
        let inverted = ~mask
        return inverted & (inverted &+ 1) == 0
    }

    /// Seconds from jiffies, only when HZ is known and divides the value exactly (the kernel
    /// stores seconds × HZ; anything else means the HZ we were given is wrong).
    static func seconds(fromJiffies jiffies: UInt64, hz: UInt32?) -> UInt32? {
        guard let hz, hz > 0, jiffies % UInt64(hz) == 0 else { return nil }
        let value = jiffies / UInt64(hz)
        return value <= UInt64(UInt32.max) ? UInt32(value) : nil
    }

    /// /proc does not print the address family of a firewall-mark service. It is settled from
    /// what the file does show:
    /// 1. a persistence mask that only an IPv6 prefix length can produce (`40000000` is /64;
    ///    `80000000`, /128, is IPv6's default where an IPv4 /1 would be absurd);
    /// 2. otherwise the family of a real server that is not a tunnel (only tunnels may differ
    ///    from their service's family);
    /// 3. otherwise the family all real servers share;
    /// 4. otherwise IPv4, ipvsadm's default for `-f` without `-6`.
    ///
    /// Returns whether the file showed the family (1–3), rather than the default being taken.
    @discardableResult
    static func settleFirewallMarkFamily(_ service: inout VirtualService, rawMask: UInt32?) -> Bool {
        guard service.id.firewallMark != nil else { return false }
        var family: IPAddress.Family?
        if let rawMask {
            if rawMask == 0x8000_0000 || (ipv6PrefixLength(rawMask) != nil && !isContiguousIPv4Mask(rawMask)) {
                family = .ipv6
            } else {
                family = .ipv4
            }
        }
        if family == nil, let direct = service.realServers.first(where: { $0.forwarding != .tunneling }) {
            family = direct.address.family
        }
        if family == nil, let firstFamily = service.realServers.first?.address.family,
            service.realServers.allSatisfy({ $0.address.family == firstFamily })
        {
            family = firstFamily
        }
        setFirewallMarkFamily(&service, family ?? .ipv4, rawMask: rawMask)
        return family != nil
    }

    private static func setFirewallMarkFamily(_ service: inout VirtualService, _ family: IPAddress.Family, rawMask: UInt32?) {
        guard case .firewallMark(let mark, _) = service.id else { return }
        service.id = .firewallMark(mark, family: family)
        if let rawMask, var persistence = service.persistence {
            persistence.netmask = family == .ipv6 ? .ipv6(prefixLength: ipv6PrefixLength(rawMask) ?? 128) : .ipv4(rawMask)
            service.persistence = persistence
        }
        // "ops" is printed for firewall-mark services of either family, so onePacket stays known.
    }

    /// One mark used by an IPv4 and an IPv6 service prints two `FWM` lines with the same mark;
    /// the kernel keys firewall-mark services by (mark, family), so two such lines are one of
    /// each family. Where the default (IPv4) was taken for both:
    /// - if the file showed one line's family, the other line has the other family;
    /// - if it showed neither (no real server, no IPv6-only mask: a health checker removed
    ///   every real server of both), the first line is served as IPv4 and the second as IPv6.
    ///   /proc gives no way to tell them apart; when both lines say the same, nothing served
    ///   depends on the choice, and the README says so for the rest.
    /// Two lines that both showed one family, or three lines for one mark, are left as read:
    /// the table changed during the read, and the uniqueness check reports it.
    private static func otherFamily(_ family: IPAddress.Family) -> IPAddress.Family { family == .ipv4 ? .ipv6 : .ipv4 }

    static func pairDualStackMarks(_ services: inout [VirtualService], evidenced: Set<Int>) {
        var byMark: [UInt32: [Int]] = [:]
        for index in services.indices {
            if let mark = services[index].id.firewallMark { byMark[mark, default: []].append(index) }
        }
        for (_, indices) in byMark where indices.count == 2 {
            let (first, second) = (indices[0], indices[1])
            guard services[first].id.family == services[second].id.family else { continue }
            switch (evidenced.contains(first), evidenced.contains(second)) {
            case (true, true):
                continue
            case (true, false):
                setFirewallMarkFamily(&services[second], otherFamily(services[first].id.family), rawMask: nil)
            case (false, true):
                setFirewallMarkFamily(&services[first], otherFamily(services[second].id.family), rawMask: nil)
            case (false, false):
                setFirewallMarkFamily(&services[first], .ipv4, rawMask: nil)
                setFirewallMarkFamily(&services[second], .ipv6, rawMask: nil)
            }
        }
    }
}

extension Array {
    /// Reallocates to the exact count: appending one at a time leaves up to half the capacity
    /// unused, which for 10,000 real servers is megabytes held for the whole scrape.
    mutating func shrinkToFit() {
        guard capacity > count + count / 8 else { return }
        var exact: [Element] = []
        exact.reserveCapacity(count)
        exact.append(contentsOf: self)
        self = exact
    }
}
