import IPVSKernel
import IPVSModel
import IPVSTestSupport
import Testing

/// Which real server a connection entry belongs to, for every kind of service.
@Suite struct ConnectionAttributionTests {
    static func server(_ address: String, _ port: UInt16, _ method: ForwardingMethod = .masquerading) -> RealServer {
        RealServer(
            address: IPAddress(address)!, port: port, forwarding: method, weight: 1, activeConnections: 0, inactiveConnections: 0)
    }

    static let services: [VirtualService] = [
        VirtualService(
            id: .address(.tcp, IPAddress("10.0.0.1")!, port: 80), scheduler: "rr",
            realServers: [server("172.16.1.11", 8080), server("172.16.2.11", 8080)]),
        VirtualService(
            id: .address(.tcp, IPAddress("10.0.0.3")!, port: 0), scheduler: "wlc",
            persistence: Persistence(timeoutSeconds: 360, netmask: .ipv4(~0)),
            realServers: [server("172.16.1.30", 0, .directRouting)]),
        VirtualService(
            id: .address(.tcp, IPAddress("10.0.0.6")!, port: 21), scheduler: "rr",
            persistence: Persistence(timeoutSeconds: 360, netmask: .ipv4(~0)), realServers: [server("172.16.1.11", 21)]),
        VirtualService(
            id: .firewallMark(1, family: .ipv4), scheduler: "rr",
            realServers: [server("172.16.1.11", 8080), server("172.16.2.11", 8080)]),
        VirtualService(
            id: .firewallMark(7, family: .ipv4), scheduler: "rr",
            persistence: Persistence(timeoutSeconds: 120, netmask: .ipv4(~0)), realServers: [server("172.16.5.1", 8443)]),
        VirtualService(id: .firewallMark(2, family: .ipv6), scheduler: "lc", realServers: [server("fd00:16:1::11", 8080)]),
    ]

    func attribute(_ lines: [String]) throws -> BackendConnections {
        let text =
            "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n" + lines.joined(separator: "\n")
            + "\n"
        return ConnectionAttribution.attribute(try ConnectionTableParser.parse(Array(text.utf8), file: "c"), to: Self.services)
    }

    func backend(_ service: VirtualServiceID, _ address: String, _ port: UInt16) -> BackendID {
        BackendID(service: service, address: IPAddress(address)!, port: port)
    }

    @Test func addressServiceByStateWithTemplatesApart() async throws {
        let result = try attribute([
            "TCP C0A81402 9A40 0A000001 0050 AC10010B 1F90 ESTABLISHED     890",
            "TCP C0A81402 9A41 0A000001 0050 AC10010B 1F90 ESTABLISHED     890",
            "TCP C0A81402 9A42 0A000001 0050 AC10010B 1F90 TIME_WAIT       100",
            "TCP C0A81402 9A42 0A000001 0050 AC10020B 1F90 TIME_WAIT       100",
        ])
        let id = VirtualServiceID.address(.tcp, IPAddress("10.0.0.1")!, port: 80)
        #expect(result.byState[backend(id, "172.16.1.11", 8080)] == ["ESTABLISHED": 2, "TIME_WAIT": 1])
        #expect(result.byState[backend(id, "172.16.2.11", 8080)] == ["TIME_WAIT": 1])
        #expect(result.unmatchedGroups == 0)
    }

    @Test func portZeroServiceTakesEveryPortAndItsTemplate() async throws {
        let result = try attribute([
            "TCP C0A81402 9A40 0A000003 0050 AC10011E 0050 ESTABLISHED     890",
            "TCP C0A81400 0000 0A000003 0000 AC10011E 0000 ASSURED         300",
        ])
        let key = backend(.address(.tcp, IPAddress("10.0.0.3")!, port: 0), "172.16.1.30", 0)
        #expect(result.byState[key] == ["ESTABLISHED": 1])
        #expect(result.templates[key] == 1)
        #expect(result.unmatchedGroups == 0)
    }

    @Test func ftpTemplateHasVirtualPortZero() async throws {
        let result = try attribute(["TCP C0A81402 0000 0A000006 0000 AC10010B 0000 NONE            300"])
        #expect(result.templates[backend(.address(.tcp, IPAddress("10.0.0.6")!, port: 21), "172.16.1.11", 21)] == 1)
        #expect(result.unmatchedGroups == 0)
    }

    @Test func firewallMarkEntriesCarryThePacketsAddress() async throws {
        let result = try attribute([
            "TCP C0A81402 9A40 0A000068 01BB AC10020B 1F90 ESTABLISHED     890",
            // Persistent firewall-mark service: no port translation, template with protocol IP.
            "TCP C0A81402 9A41 0A000069 0050 AC100501 0050 ESTABLISHED     890",
            "IP  C0A81402 0000 00000007 0000 AC100501 0000 ASSURED         100",
            "TCP fd00:0020:0000:0000:0000:0000:0000:0002 D39E fd00:0100:0000:0000:0000:0000:0000:0104 0050 fd00:0016:0001:0000:0000:0000:0000:0011 1F90 ESTABLISHED     119",
        ])
        #expect(result.byState[backend(.firewallMark(1, family: .ipv4), "172.16.2.11", 8080)] == ["ESTABLISHED": 1])
        #expect(result.byState[backend(.firewallMark(7, family: .ipv4), "172.16.5.1", 8443)] == ["ESTABLISHED": 1])
        #expect(result.templates[backend(.firewallMark(7, family: .ipv4), "172.16.5.1", 8443)] == 1)
        #expect(result.byState[backend(.firewallMark(2, family: .ipv6), "fd00:16:1::11", 8080)] == ["ESTABLISHED": 1])
        #expect(result.unmatchedGroups == 0)
    }

    /// Connections of a removed real server stay in the table until they expire; they are kept
    /// under labels built from the entry, never dropped or folded into another server.
    @Test func entriesOfARemovedServerKeepTheirOwnLabels() async throws {
        let result = try attribute(["TCP C0A81402 9A40 0A000001 0050 AC100909 1F90 FIN_WAIT         30"])
        #expect(result.unmatchedGroups == 1)
        #expect(result.byState[backend(.address(.tcp, IPAddress("10.0.0.1")!, port: 80), "172.16.9.9", 8080)] == ["FIN_WAIT": 1])
    }

    /// Within a service: the exact address and port wins wherever it is listed, then a real
    /// server added without a port, then the address alone only when one real server has it.
    @Test(arguments: [
        ("AC100901 1F90", "172.16.9.1", UInt16(8080)),  // exact, listed after the portless one
        ("AC100901 2382", "172.16.9.1", UInt16(0)),  // another port: the portless one
        ("AC100902 2382", "172.16.9.2", UInt16(8443)),  // one server on that address
    ])
    func realServerByPortThenWithoutThenByAddress(entry: String, address: String, port: UInt16) async throws {
        let id = VirtualServiceID.address(.tcp, IPAddress("10.0.9.1")!, port: 80)
        let services = [
            VirtualService(
                id: id, scheduler: "rr",
                realServers: [
                    Self.server("172.16.9.1", 0), Self.server("172.16.9.1", 8080), Self.server("172.16.9.2", 8443),
                    Self.server("172.16.9.3", 1), Self.server("172.16.9.3", 2),
                ])
        ]
        let text =
            "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n"
            + "TCP C0A81402 9A40 0A000901 0050 \(entry) ESTABLISHED     890\n"
            + "TCP C0A81402 9A41 0A000901 0050 AC100903 0003 ESTABLISHED     890\n"
        let result = ConnectionAttribution.attribute(try ConnectionTableParser.parse(Array(text.utf8), file: "c"), to: services)
        #expect(result.byState[backend(id, address, port)] == ["ESTABLISHED": 1])
        // Two real servers on 172.16.9.3, neither on port 3: ambiguous, kept apart.
        #expect(result.unmatchedGroups == 1)
        #expect(result.byState[backend(id, "172.16.9.3", 3)] == ["ESTABLISHED": 1])
    }

    /// The real capture: every entry is attributed to a configured real server.
    @Test func labCaptureIsFullyAttributed() async throws {
        let procfs = ProcFS(root: Fixtures.labProc)
        let table = try procfs.serviceTable(hz: 250)
        let counts = try procfs.connectionCounts()
        let result = ConnectionAttribution.attribute(counts, to: table.services)
        #expect(result.unmatchedGroups == 0)
        let total = result.byState.values.flatMap(\.values).reduce(0, +) + result.templates.values.reduce(0, +)
        #expect(total == counts.entries)
        // Every template in the capture belongs to a persistent service.
        let persistent = Set(table.services.filter { $0.persistence != nil }.map(\.id))
        #expect(result.templates.keys.allSatisfy { persistent.contains($0.service) })
    }
}
