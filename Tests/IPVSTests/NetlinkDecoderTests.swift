import Foundation
import IPVSKernel
import IPVSModel
import IPVSTestSupport
import Testing

/// The netlink decoder on real reply bytes recorded in the kernel lab (Tests/Fixtures/lab/netlink),
/// checked against ipvsadm's view of the same moment.
@Suite struct NetlinkDecoderTests {
    static let root = LabRecordings.root
    static let captures = LabRecordings.netlink

    static func replay(_ capture: String) throws -> NetlinkReplay {
        try NetlinkReplay(directory: root + "/" + capture)
    }

    static func listing(_ capture: String, _ view: String, _ name: String) throws -> IPVSAdmListing {
        try IPVSAdmListing(parsing: try Fixtures.text("lab/netlink/\(capture)/\(view)/\(name).txt"))
    }

    @Test func thereAreRecordings() async {
        #expect(Self.captures.count >= 14)
    }

    @Test(arguments: captures)
    func decodesWhatIPVSAdmShows(_ capture: String) async throws {
        let table = try NetlinkStateReader.serviceTable(using: try Self.replay(capture).transport)
        let list = try Self.listing(capture, "before", "list")
        #expect(table.source == .netlink)
        #expect(table.info.versionString == "1.2.1")
        #expect(Set(table.services.map(\.id.description)) == Set(list.services.map(\.key)))
        let thresholds = try Self.listing(capture, "before", "thresholds")
        let tunnels = try Self.listing(capture, "before", "tun")
        let statsBefore = try Self.listing(capture, "before", "stats")
        let statsAfter = try Self.listing(capture, "after", "stats")
        for service in table.services {
            let key = service.id.description
            let listed = try #require(list.service(key))
            #expect(service.scheduler.name == listed.scheduler, "\(key)")
            #expect(service.persistence?.timeoutSeconds.map(Int.init) == listed.persistentSeconds, "\(key)")
            var flags: [String] = []
            if listed.persistentSeconds != nil { flags.append("persistent") }
            if listed.onePacket { flags.append("ops") }
            #expect(service.flags?.names(scheduler: service.scheduler) == flags + listed.schedulerFlags, "\(key)")
            if let mask = listed.mask { #expect(service.persistence?.netmask.description == mask, "\(key)") }
            // Service counters: 64-bit in the reply, exact in ipvsadm; between the two reads.
            if let counters = service.counters, let before = statsBefore.service(key)?.numbers,
                let after = statsAfter.service(key)?.numbers
            {
                for (value, (low, high)) in zip(
                    [
                        counters.connections, counters.incomingPackets, counters.outgoingPackets, counters.incomingBytes,
                        counters.outgoingBytes,
                    ], zip(before, after))
                {
                    #expect(value >= low && value <= high, "\(key): \(value) not within \(low)…\(high)")
                }
            } else {
                Issue.record("\(key): no counters decoded or none listed")
            }
            #expect(service.realServers.count == listed.realServers.count, "\(key)")
            for server in service.realServers {
                let serverKey = SocketAddressText.format(server.address, server.port)
                let row = try #require(listed.realServers.first { $0.key == serverKey }, "\(key) -> \(serverKey)")
                #expect(row.columns[0] == server.forwarding.description)
                #expect(row.columns[1] == String(server.weight))
                let limits = try #require(thresholds.service(key)?.realServers.first { $0.key == serverKey })
                #expect(limits.numbers.prefix(2) == [UInt64(server.upperThreshold ?? 0), UInt64(server.lowerThreshold ?? 0)])
                if server.forwarding == .tunneling {
                    let info = try #require(tunnels.service(key)?.realServers.first { $0.key == serverKey }?.columns[safe: 1])
                    #expect(info.hasPrefix(server.tunnel?.kind.label ?? "?"), "\(info)")
                }
                #expect(server.counters != nil && server.rates != nil)
            }
        }
    }

    @Test(arguments: captures)
    func decodesTimeoutsAndDaemons(_ capture: String) async throws {
        let replay = try Self.replay(capture)
        let timeouts = try NetlinkStateReader.timeouts(using: replay.transport)
        let text = try Fixtures.text("lab/netlink/\(capture)/before/timeout.txt")
        #expect(text.hasSuffix(": \(timeouts.tcp) \(timeouts.tcpFin) \(timeouts.udp)\n"), "\(text)")
        let daemons = try NetlinkStateReader.syncDaemons(using: replay.transport)
        let listed = try Fixtures.text("lab/netlink/\(capture)/before/daemon.txt").split(separator: "\n")
        #expect(daemons.count == listed.count)
        for daemon in daemons {
            #expect(
                listed.contains {
                    $0.hasPrefix("\(daemon.state.label) sync daemon (mcast=\(daemon.interface), syncid=\(daemon.syncID),")
                })
            #expect(daemon.group == IPAddress("224.0.0.81"))
            #expect(daemon.port == 8848)
        }
    }

    /// Every prefix of a real reply is an error, never a crash and never a partial table.
    @Test(arguments: ["services", "dests-0", "info", "config", "daemons"])
    func everyTruncationIsAnError(_ request: String) async throws {
        let capture = "fwmark-main"
        let bytes = try Fixtures.bytes("lab/netlink/\(capture)/\(request).bin")
        let dump = !(request == "info" || request == "config")
        for cut in 0..<bytes.count {
            #expect(throws: NetlinkError.self, "cut at \(cut) of \(bytes.count)") {
                let reply = try NetlinkReply(replaying: Array(bytes[..<cut]), dump: dump)
                // A cut inside the last message's padding can still frame; then decoding must fail.
                for payload in reply.messages { _ = try IPVSNetlinkDecoder.service(payload) }
                if reply.messages.isEmpty && dump { throw NetlinkError.truncated("empty") }
            }
        }
    }

    /// Bit flips and random bytes: the decoder answers with a value or an error, nothing else.
    @Test func corruptedRepliesNeverCrash() async throws {
        var generator = SystemRandomNumberGenerator()
        let original = try Self.replay("tun-sh-main")
        for round in 0..<3000 {
            var replies = original.replies
            let name = replies.keys.sorted()[round % replies.count]
            var bytes = replies[name]!
            if round % 10 == 9 {
                bytes = (0..<Int.random(in: 0..<600, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            } else {
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    let index = Int.random(in: 0..<bytes.count, using: &generator)
                    bytes[index] ^= UInt8(1 << Int.random(in: 0..<8, using: &generator))
                }
            }
            replies[name] = bytes
            let transport = NetlinkReplay(replies: replies).transport
            _ = try? NetlinkStateReader.serviceTable(using: transport)
            _ = try? NetlinkStateReader.timeouts(using: transport)
            _ = try? NetlinkStateReader.syncDaemons(using: transport)
        }
    }
}

/// A service deleted between GET_SERVICE and its GET_DEST: the kernel answers the dest dump
/// with nothing, as for a service without real servers, and GET_SERVICE for it with ESRCH.
@Suite struct ServiceDeletedMidScrapeTests {
    /// The recording of a real scrape, with service `index`'s dest dump emptied (a bare
    /// NLMSG_DONE with the dump's sequence number) and GET_SERVICE for it answered by `answer`.
    static func transport(emptying index: Int, answer: @escaping @Sendable () throws(NetlinkError) -> NetlinkReply) throws
        -> NetlinkStateReader.Transport
    {
        let replay = try NetlinkDecoderTests.replay("schedulers-main")
        var replies = replay.replies
        let original = try #require(replies["dests-\(index)"])
        // NLMSG_DONE: length 20, type 3, flags NLM_F_MULTI, the original's sequence and port, error 0.
        var done: [UInt8] = [20, 0, 0, 0, 3, 0, 2, 0] + Array(original[8..<16]) + [0, 0, 0, 0]
        done.reserveCapacity(20)
        replies["dests-\(index)"] = done
        let recorded = NetlinkReplay(replies: replies).transport
        return { (name, command, dump, attributes) throws(NetlinkError) -> NetlinkReply in
            if name == "service-\(index)" { return try answer() }
            return try recorded(name, command, dump, attributes)
        }
    }

    @Test func aDeletedServiceIsLeftOut() async throws {
        let full = try NetlinkStateReader.serviceTable(using: try NetlinkDecoderTests.replay("schedulers-main").transport)
        try #require(full.services.count >= 2)
        let transport = try Self.transport(emptying: 1) { () throws(NetlinkError) -> NetlinkReply in
            throw NetlinkError.kernel(command: 4, errno: ESRCH)
        }
        let table = try NetlinkStateReader.serviceTable(using: transport)
        #expect(table.services.map(\.id) == full.services.enumerated().filter { $0.offset != 1 }.map(\.element.id))
    }

    @Test func aServiceWithoutRealServersStays() async throws {
        let full = try NetlinkStateReader.serviceTable(using: try NetlinkDecoderTests.replay("schedulers-main").transport)
        let info = try #require(try NetlinkDecoderTests.replay("schedulers-main").replies["info"])
        let transport = try Self.transport(emptying: 1) { () throws(NetlinkError) -> NetlinkReply in
            // Any answer but an error: the service exists.
            try NetlinkReply(replaying: info, dump: false)
        }
        let table = try NetlinkStateReader.serviceTable(using: transport)
        #expect(table.services.map(\.id) == full.services.map(\.id))
        #expect(table.services[1].realServers.isEmpty)
    }

    @Test func otherFailuresOfTheCheckAreErrors() async throws {
        let transport = try Self.transport(emptying: 0) { () throws(NetlinkError) -> NetlinkReply in
            throw NetlinkError.kernel(command: 4, errno: EPERM)
        }
        #expect(throws: NetlinkError.self) { try NetlinkStateReader.serviceTable(using: transport) }
    }
}

/// Hand-built replies for what the lab cannot produce on demand.
@Suite struct NetlinkMalformedReplyTests {
    /// `len:u16 type:u16 payload`, padded to 4.
    static func attribute(_ type: UInt16, _ payload: [UInt8]) -> [UInt8] {
        let length = UInt16(4 + payload.count)
        var out = [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(type & 0xFF), UInt8(type >> 8)] + payload
        while out.count % 4 != 0 { out.append(0) }
        return out
    }

    static func u16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }
    static func u32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8((value >> (8 * $0)) & 0xFF) } }
    static func u64(_ value: UInt64) -> [UInt8] { (0..<8).map { UInt8((value >> (8 * UInt64($0))) & 0xFF) } }

    /// A NEW_SERVICE payload: generic netlink header, then the nested SERVICE attribute.
    static func service(_ attributes: [[UInt8]]) -> [UInt8] {
        [1, 1, 0, 0] + attribute(1, attributes.flatMap { $0 })
    }

    static let tcpService: [[UInt8]] = [
        attribute(1, u16(2)), attribute(2, u16(6)), attribute(3, [10, 0, 0, 1] + [UInt8](repeating: 0, count: 12)),
        attribute(4, [0, 80]), attribute(6, Array("rr".utf8) + [0]), attribute(7, u32(0x2) + u32(0xFFFF_FFFF)),
        attribute(8, u32(0)), attribute(9, [255, 255, 255, 255]),
    ]

    static func stats(_ values: [UInt64], wide: Bool) -> [UInt8] {
        values.enumerated().flatMap { index, value -> [UInt8] in
            let type = UInt16(index + 1)
            let isBytes = type == 4 || type == 5
            return attribute(type, wide || isBytes ? u64(value) : u32(UInt32(truncatingIfNeeded: value)))
        }
    }

    @Test func decodesAPlainService() async throws {
        let service = try IPVSNetlinkDecoder.service(Self.service(Self.tcpService))
        #expect(service.id == .address(.tcp, IPAddress("10.0.0.1")!, port: 80))
        #expect(service.flags == [])  // HASHED is masked out
        #expect(service.persistence == nil)
        #expect(service.counters == nil)
    }

    /// Counters above 2^32 survive: STATS64 wins over the 32-bit nest, which truncates.
    @Test func prefersSixtyFourBitStats() async throws {
        let big: [UInt64] = [5_000_000_000, 6_000_000_000, 7, 9_000_000_000, 10, 1, 2, 3, 4, 5]
        let truncated = big.map { $0 & 0xFFFF_FFFF }
        let payload = Self.service(
            Self.tcpService + [
                Self.attribute(10, Self.stats(truncated, wide: false)), Self.attribute(12, Self.stats(big, wide: true)),
            ])
        let service = try IPVSNetlinkDecoder.service(payload)
        #expect(service.counters?.connections == 5_000_000_000)
        #expect(service.counters?.incomingBytes == 9_000_000_000)
        let only32 = try IPVSNetlinkDecoder.service(
            Self.service(Self.tcpService + [Self.attribute(10, Self.stats(truncated, wide: false))]))
        #expect(only32.counters?.connections == 5_000_000_000 & 0xFFFF_FFFF)
    }

    @Test func skipsPaddingInStats() async throws {
        let payload = Self.service(
            Self.tcpService + [Self.attribute(12, Self.attribute(11, []) + Self.stats(Array(1...10), wide: true))])
        #expect(try IPVSNetlinkDecoder.service(payload).rates?.outgoingBytes == 10)
    }

    @Test(arguments: [
        (
            "a port of 3 bytes", Array(tcpService[0..<3]) + [attribute(4, [0, 80, 0])] + Array(tcpService[4...]),
            "PORT is 3 bytes"
        ),
        ("no scheduler", tcpService.enumerated().filter { $0.offset != 4 }.map(\.element), "no SCHED_NAME"),
        ("an unknown family", [attribute(1, u16(99))] + Array(tcpService.dropFirst()), "AF 99"),
        (
            "a scheduler without NUL", Array(tcpService[0..<4]) + [attribute(6, Array("rr".utf8))] + Array(tcpService[5...]),
            "not NUL-terminated"
        ),
        ("flags of 4 bytes", Array(tcpService[0..<5]) + [attribute(7, u32(2))] + Array(tcpService[6...]), "FLAGS is 4 bytes"),
    ])
    func rejects(_ what: String, _ attributes: [[UInt8]], _ message: String) {
        let error = #expect(throws: NetlinkError.self, "\(what)") { try IPVSNetlinkDecoder.service(Self.service(attributes)) }
        #expect(error?.description.contains(message) == true, "\(what): \(String(describing: error))")
    }

    @Test func rejectsAnAttributeLongerThanItsParent() async {
        var payload = Self.service(Self.tcpService)
        payload[4] = 0xFF  // the SERVICE nest claims 255 + … bytes
        #expect(throws: NetlinkError.self) { try IPVSNetlinkDecoder.service(payload) }
    }

    @Test func rejectsTheWrongCommand() async {
        var payload = Self.service(Self.tcpService)
        payload[0] = 5
        let error = #expect(throws: NetlinkError.self) { try IPVSNetlinkDecoder.service(payload) }
        #expect(error?.description.contains("command 5, expected 1") == true)
    }

    /// A refusal arrives as NLMSG_ERROR with -EPERM: that is what auto mode falls back on.
    @Test func permissionDeniedIsRecognised() async throws {
        let message =
            Self.u32(36) + Self.u16(2) + Self.u16(0) + Self.u32(7) + Self.u32(99) + Self.u32(UInt32(bitPattern: -1))
            + [UInt8](repeating: 0, count: 16)
        let error = #expect(throws: NetlinkError.self) { try NetlinkReply(replaying: message, dump: true) }
        #expect(error?.isPermissionDenied == true)
    }

    @Test func aStaleMessageOfAnotherRequestIsIgnored() async throws {
        // An ACK of sequence 6 (a previous request), then this request's DONE (sequence 7).
        let staleAck =
            Self.u32(36) + Self.u16(2) + Self.u16(0) + Self.u32(6) + Self.u32(99) + Self.u32(0) + [UInt8](repeating: 0, count: 16)
        let done = Self.u32(20) + Self.u16(3) + Self.u16(2) + Self.u32(7) + Self.u32(99) + Self.u32(0)
        var reply = NetlinkReply(sequence: 7, port: 99)
        try reply.absorb(staleAck + done, dump: true)
        #expect(reply.complete)
        #expect(reply.messages.isEmpty)
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}

/// Found by `corruptedRepliesNeverCrash`: an error code of Int32.min trapped on negation.
@Suite struct NetlinkRegressionTests {
    @Test func errorCodeOfInt32MinIsAnErrorNotATrap() async {
        let done =
            NetlinkMalformedReplyTests.u32(20) + NetlinkMalformedReplyTests.u16(3) + NetlinkMalformedReplyTests.u16(2)
            + NetlinkMalformedReplyTests.u32(7) + NetlinkMalformedReplyTests.u32(1) + NetlinkMalformedReplyTests.u32(0x8000_0000)
        #expect(throws: NetlinkError.self) { try NetlinkReply(replaying: done, dump: true) }
        let error =
            NetlinkMalformedReplyTests.u32(36) + NetlinkMalformedReplyTests.u16(2) + NetlinkMalformedReplyTests.u16(0)
            + NetlinkMalformedReplyTests.u32(7) + NetlinkMalformedReplyTests.u32(1) + NetlinkMalformedReplyTests.u32(0x8000_0000)
            + [UInt8](repeating: 0, count: 16)
        #expect(throws: NetlinkError.self) { try NetlinkReply(replaying: error, dump: false) }
    }
}
