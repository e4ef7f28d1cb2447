import IPVSKernel
import IPVSModel
import Testing

/// Line shapes of `/proc/net/ip_vs` as the kernel prints them (the REAL lines of
/// ipvs-formats.md §1, from a 6.1 kernel with HZ=250), one case each.
@Suite struct ServiceTableParserTests {
    static let header = """
        IP Virtual Server version 1.2.1 (size=4096)
        Prot LocalAddress:Port Scheduler Flags
          -> RemoteAddress:Port Forward Weight ActiveConn InActConn

        """

    func parse(_ body: String, hz: UInt32? = 250) throws -> [VirtualService] {
        try ServiceTableParser.parse(Array((Self.header + body).utf8), file: "ip_vs", hz: hz).services
    }

    @Test func persistentPortZeroService() async throws {
        let services = try parse(
            "TCP  0A000003:0000 wlc  persistent 90000 FFFFFFFF\n  -> C0A8011E:0000      Route   1      0          0         \n")
        let service = try #require(services.first)
        #expect(service.id == .address(.tcp, IPAddress("10.0.0.3")!, port: 0))
        #expect(service.persistence == Persistence(timeoutSeconds: 360, timeoutJiffies: 90000, netmask: .ipv4(0xFFFF_FFFF)))
        #expect(
            service.realServers == [
                RealServer(
                    address: IPAddress("192.168.1.30")!, port: 0, forwarding: .directRouting, weight: 1, activeConnections: 0,
                    inactiveConnections: 0)
            ])
    }

    @Test func ipv6PersistenceMaskIsTheByteSwappedPrefixLength() async throws {
        let services = try parse(
            """
            TCP  [2001:0db8:0000:0000:0000:0000:0000:0002]:01BB rr persistent 90000 80000000
            TCP  [2001:0db8:0000:0000:0000:0000:0000:0001]:0050 wrr persistent 75000 40000000
              -> [2001:0db8:0000:0000:0000:0000:0000:0010]:1F90      Masq    2      0          0         

            """)
        #expect(services[0].id == .address(.tcp, IPAddress("2001:db8::2")!, port: 443))
        #expect(services[0].persistence?.netmask == .ipv6(prefixLength: 128))
        #expect(services[1].persistence?.netmask == .ipv6(prefixLength: 64))
        #expect(services[1].persistence?.timeoutSeconds == 300)
        #expect(services[1].realServers.first?.port == 8080)
        // /proc never prints "ops" for IPv6, so it stays unknown.
        #expect(services[0].onePacket == nil)
    }

    @Test func onePacketAndSchedulerNone() async throws {
        let services = try parse("UDP  0A000001:0035 wlc ops  \nTCP  0A000008:0050 none  \n")
        #expect(services[0].onePacket == true)
        #expect(services[0].scheduler == "wlc")
        #expect(services[1].onePacket == false)
        #expect(services[1].scheduler == "none")
    }

    @Test func sctpLinesAreOneColumnWider() async throws {
        let services = try parse("SCTP  0A000004:13C4 mh  \n  -> C0A80128:13C4      Masq    1      0          0         \n")
        #expect(services[0].id == .address(.sctp, IPAddress("10.0.0.4")!, port: 5060))
        #expect(services[0].realServers.count == 1)
    }

    @Test func everyForwardingMethodAndLargeWeights() async throws {
        let services = try parse(
            """
            TCP  0A000001:0050 rr  
              -> C0A80163:0050      Route   70000  0          0         
              -> 7F000001:0050      Masq    1      0          0         
              -> C0A8010C:0050      Tunnel  0      0          0         
              -> C0A8010D:0050      Local   1      3          4         

            """)
        let servers = services[0].realServers
        #expect(servers.map(\.forwarding) == [.directRouting, .masquerading, .tunneling, .local])
        #expect(servers[0].weight == 70000)
        #expect(servers[2].weight == 0)
        #expect(servers[3].activeConnections == 3)
        #expect(servers[3].inactiveConnections == 4)
    }

    @Test func mixedFamilyTunnelUnderAnIPv4Service() async throws {
        let services = try parse(
            "TCP  0A000005:0050 rr  \n  -> [2001:0db8:0000:0000:0000:0000:0000:0021]:0050      Tunnel  1      0          0         \n"
        )
        #expect(services[0].id.family == .ipv4)
        #expect(services[0].realServers[0].address == IPAddress("2001:db8::21")!)
    }

    @Test func firewallMarkFamilies() async throws {
        let services = try parse(
            """
            FWM  80000000 rr ops 
            FWM  00000006 wrr 
              -> C0A80135:20FB      Masq    1      0          0         
              -> C0A80132:0000      Tunnel  5      0          0         
            FWM  00000007 lc persistent 30000 40000000
              -> [2001:0db8:0000:0000:0000:0000:0000:0070]:0000      Route   1      0          0         
            FWM  FFFFFFFF rr 
            FWM  00000008 rr persistent 30000 80000000
            FWM  00000009 rr persistent 30000 FFFFFF00
            FWM  0000000A rr 
              -> [2001:0db8:0000:0000:0000:0000:0000:0070]:0000      Tunnel  1      0          0         

            """)
        let ids = services.map(\.id)
        #expect(
            ids == [
                .firewallMark(0x8000_0000, family: .ipv4),  // nothing says otherwise: ipvsadm's default
                .firewallMark(6, family: .ipv4),  // its Masq real server is IPv4
                .firewallMark(7, family: .ipv6),  // /64 can only be an IPv6 prefix
                .firewallMark(0xFFFF_FFFF, family: .ipv4),
                .firewallMark(8, family: .ipv6),  // /128, IPv6's default persistence mask
                .firewallMark(9, family: .ipv4),  // 255.255.255.0
                .firewallMark(10, family: .ipv6),  // every real server is IPv6
            ])
        #expect(services[0].onePacket == true)
        #expect(services[2].persistence?.netmask == .ipv6(prefixLength: 64))
        #expect(services[2].persistence?.timeoutSeconds == 120)
        #expect(services[5].persistence?.netmask == .ipv4(0xFFFF_FF00))
    }

    /// One mark for an IPv4 and an IPv6 service prints two `FWM` lines; the kernel keys such
    /// services by (mark, family), so they are one of each, whatever else the file shows.
    @Test(arguments: [
        // Both emptied by a health checker: nothing tells them apart, first served as IPv4.
        ("FWM  00000001 wlc \nFWM  00000001 wlc \n", [IPAddress.Family.ipv4, .ipv6]),
        // The IPv4 one keeps a real server; the empty one is the IPv6 service.
        (
            "FWM  00000001 wlc \n  -> C0A80135:0050      Route   1      0          0         \nFWM  00000001 wlc \n",
            [.ipv4, .ipv6]
        ),
        (
            "FWM  00000001 wlc \nFWM  00000001 wlc \n  -> C0A80135:0050      Route   1      0          0         \n",
            [.ipv6, .ipv4]
        ),
        // The IPv6 one keeps a real server; the empty one is the IPv4 service.
        (
            "FWM  00000001 rr \n  -> [2001:0db8:0000:0000:0000:0000:0000:0070]:0050      Route   1      0          0         \nFWM  00000001 wlc \n",
            [.ipv6, .ipv4]
        ),
        // A persistence mask shows the IPv6 one; the other stays IPv4.
        ("FWM  00000001 rr persistent 30000 40000000\nFWM  00000001 wlc \n", [.ipv6, .ipv4]),
        ("FWM  00000001 wlc \nFWM  00000001 rr persistent 30000 FFFFFF00\n", [.ipv6, .ipv4]),
    ])
    func oneMarkInBothFamilies(_ text: String, _ families: [IPAddress.Family]) throws {
        let services = try parse(text)
        #expect(services.map(\.id) == families.map { .firewallMark(1, family: $0) })
    }

    /// Two lines that both show IPv4 cannot be two services: left as read, for the uniqueness
    /// check to report that the table changed during the read.
    @Test func oneMarkTwiceInOneFamilyIsLeftAsRead() async throws {
        let services = try parse(
            "FWM  00000001 wlc \n  -> C0A80135:0050      Route   1      0          0         \nFWM  00000001 wlc \n  -> C0A80136:0050      Route   1      0          0         \n"
        )
        #expect(services.map(\.id) == [.firewallMark(1, family: .ipv4), .firewallMark(1, family: .ipv4)])
    }

    @Test func persistenceTimeoutStaysInJiffiesWithoutHZ() async throws {
        let services = try parse("TCP  0A000002:01BB sh  persistent 150000 FFFFFF00\n", hz: nil)
        #expect(services[0].persistence?.timeoutSeconds == nil)
        #expect(services[0].persistence?.timeoutJiffies == 150000)
    }

    @Test func persistenceTimeoutNotDivisibleByHZIsNotGuessed() async throws {
        let services = try parse("TCP  0A000002:01BB sh  persistent 150001 FFFFFF00\n", hz: 250)
        #expect(services[0].persistence?.timeoutSeconds == nil)
    }

    @Test func headerOnlyIsAnEmptyTable() async throws {
        #expect(try parse("").isEmpty)
    }
}
