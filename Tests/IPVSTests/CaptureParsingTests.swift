import IPVSKernel
import IPVSModel
import IPVSTestSupport
import Testing

/// Every /proc capture of the real 6.1 kernel parses, and agrees with ipvsadm's view of the
/// same kernel.
@Suite struct CaptureParsingTests {
    static let serviceTableCaptures = ["proc-net-ip_vs.txt", "proc-net-ip_vs.after-clear.txt"]
    static let statsCaptures = [
        "proc-net-ip_vs_stats.txt", "proc-net-ip_vs_stats.before.txt", "proc-net-ip_vs_stats.after-zero.txt",
    ]

    @Test(arguments: serviceTableCaptures)
    func serviceTableCaptureParses(_ name: String) async throws {
        let table = try ServiceTableParser.parse(Array(try Fixtures.capture(name).utf8), file: name, hz: 250)
        #expect(table.info.connectionTableSize == 4096)
        #expect(table.info.versionString == "1.2.1")
    }

    @Test(arguments: statsCaptures)
    func statsCaptureParses(_ name: String) async throws {
        _ = try GlobalStatsParser.parse(Array(try Fixtures.capture(name).utf8), file: name)
    }

    @Test func globalStatsValues() async throws {
        let stats = try ProcFS(root: Fixtures.labProc).globalStats()
        // Line 3 and line 6 of proc-net-ip_vs_stats.txt, hex.
        #expect(
            stats.counters
                == TrafficCounters(
                    connections: 0xBB, incomingPackets: 0x4CC, outgoingPackets: 0x391, incomingBytes: 0x15E1E,
                    outgoingBytes: 0x17192))
        #expect(
            stats.rates
                == TrafficRates(
                    connections: 0x13, incomingPackets: 0x7D, outgoingPackets: 0x5B, incomingBytes: 0x23CE, outgoingBytes: 0x254A)
        )
    }

    @Test func zeroedStatsAreZero() async throws {
        let stats = try GlobalStatsParser.parse(
            Array(try Fixtures.capture("proc-net-ip_vs_stats.after-zero.txt").utf8), file: "after-zero")
        #expect(
            stats.counters
                == TrafficCounters(connections: 0, incomingPackets: 0, outgoingPackets: 0, incomingBytes: 0, outgoingBytes: 0))
    }

    /// The `~` row of the per-CPU file is the estimator's sum, which is what ip_vs_stats shows.
    @Test func perCPUTotalsEqualGlobalStats() async throws {
        let procfs = ProcFS(root: Fixtures.labProc)
        let perCPU = try procfs.perCPUStats()
        let global = try procfs.globalStats()
        #expect(perCPU.total == global.counters)
        #expect(perCPU.rates == global.rates)
        #expect(perCPU.perCPU.keys.sorted() == [0])
        #expect(perCPU.perCPU[0]?.connections == 0xFC)
    }

    @Test func connectionTableParsesEveryLine() async throws {
        let text = try Fixtures.capture("proc-net-ip_vs_conn.txt")
        let counts = try ConnectionTableParser.parse(Array(text.utf8), file: "ip_vs_conn")
        let entryLines = text.split(separator: "\n").count - 1
        #expect(counts.entries == UInt64(entryLines))
        #expect(counts.groups.values.reduce(0, +) == counts.entries)
        // The capture holds persistence templates: ASSURED/NONE with client port 0.
        let templates = counts.groups.filter { $0.key.isTemplate }.values.reduce(0, +)
        let templateLines = text.split(separator: "\n").dropFirst().filter {
            let words = $0.split(separator: " ")
            return words[2] == "0000" || words[0] == "IP"
        }.count
        #expect(templates == UInt64(templateLines))
        #expect(templates > 0)
    }

    @Test func streamingInSmallChunksGivesTheSameCounts() async throws {
        let bytes = Array(try Fixtures.capture("proc-net-ip_vs_conn.txt").utf8)
        let whole = try ConnectionTableParser.parse(bytes, file: "ip_vs_conn")
        for chunkSize in [1, 7, 64, 1000] {
            var parser = ConnectionTableParser(file: "ip_vs_conn")
            var start = 0
            while start < bytes.count {
                let end = min(start + chunkSize, bytes.count)
                try parser.feed(bytes[start..<end])
                start = end
            }
            #expect(try parser.finish() == whole, "chunk size \(chunkSize)")
        }
    }

    @Test func sysctlsReadAsTheKernelPrintsThem() async throws {
        let sysctls = try ProcFS(root: Fixtures.labProc).sysctls()
        let listed = try Fixtures.capture("ls-proc-sys-net-ipv4-vs.txt").split(whereSeparator: { $0 == "\n" || $0 == " " }).map(
            String.init)
        #expect(sysctls.values.keys.sorted() == listed.sorted())
        #expect(sysctls.integer("am_droprate") == 10)
        #expect(sysctls.integer("sync_qlen_max") == 3628)
        #expect(sysctls.values["sync_threshold"] == "3\t50")
        #expect(sysctls.syncThreshold?.threshold == 3)
        #expect(sysctls.syncThreshold?.period == 50)
    }

    @Test func hzComesFromTheKernelsOwnConfig() async throws {
        let hz = KernelHZ.detect(procfs: ProcFS(root: Fixtures.labProc), bootDirectory: Fixtures.labBoot)
        #expect(hz?.hz == 250)
        #expect(hz?.source.hasSuffix("config-6.1.0-56-amd64") == true)
    }

    @Test func hzIsUnknownWithoutAConfig() async throws {
        let hz = KernelHZ.detect(procfs: ProcFS(root: Fixtures.labProc), bootDirectory: "/nonexistent")
        #expect(hz == nil)
    }
}

/// `/proc/net/ip_vs` against `ipvsadm -L -n` on the same kernel.
@Suite struct ServiceTableCrossCheckTests {
    /// Services that carried background traffic while the captures were taken: their
    /// connection counts moved between the /proc read and the ipvsadm read a few seconds later.
    static let underLoad: Set<String> = ["TCP 10.0.0.100:80", "TCP [fd00:100::100]:80"]

    let table: ServiceTable
    let listing: IPVSAdmListing

    init() throws {
        table = try ProcFS(root: Fixtures.labProc).serviceTable(hz: 250)
        listing = try IPVSAdmListing(parsing: try Fixtures.capture("ipvsadm-L-n.txt"))
    }

    @Test func sameServices() async {
        #expect(Set(table.services.map(\.id.description)) == Set(listing.services.map(\.key)))
        #expect(table.services.count == 25)
    }

    @Test func schedulersPersistenceAndOnePacketAgree() async throws {
        for service in table.services {
            let listed = try #require(listing.service(service.id.description))
            #expect(service.scheduler.name == listed.scheduler, "\(service.id)")
            #expect(service.persistence?.timeoutSeconds.map(Int.init) == listed.persistentSeconds, "\(service.id)")
            if let onePacket = service.onePacket {
                #expect(onePacket == listed.onePacket, "\(service.id)")
            }
            // ipvsadm prints the mask only when it is not the family's default.
            if let netmask = service.persistence?.netmask, netmask != .defaultMask(for: service.id.family) {
                #expect(netmask.description == listed.mask, "\(service.id)")
            }
        }
    }

    @Test func realServersAgree() async throws {
        var compared = 0
        for service in table.services {
            let listed = try #require(listing.service(service.id.description))
            #expect(service.realServers.count == listed.realServers.count, "\(service.id)")
            for server in service.realServers {
                let key = SocketAddressText.format(server.address, server.port)
                let row = try #require(listed.realServers.first { $0.key == key }, "\(service.id) -> \(key)")
                // Forward Weight ActiveConn InActConn
                #expect(row.columns[0] == server.forwarding.description, "\(service.id) -> \(key)")
                #expect(row.columns[1] == String(server.weight), "\(service.id) -> \(key)")
                if !Self.underLoad.contains(service.id.description) {
                    #expect(row.columns[2] == String(server.activeConnections), "\(service.id) -> \(key)")
                    #expect(row.columns[3] == String(server.inactiveConnections), "\(service.id) -> \(key)")
                    compared += 1
                }
            }
        }
        #expect(compared > 30)
    }

    @Test func firewallMarkFamiliesAreSettledFromWhatProcShows() async throws {
        let families = Dictionary(
            uniqueKeysWithValues: table.services.compactMap { service in
                service.id.firewallMark.map { ($0, service.id.family) }
            })
        #expect(families == [1: .ipv4, 2: .ipv6])
    }

    @Test func clearedTableIsEmpty() async throws {
        let cleared = try ServiceTableParser.parse(
            Array(try Fixtures.capture("proc-net-ip_vs.after-clear.txt").utf8), file: "x", hz: 250)
        #expect(cleared.services.isEmpty)
    }
}
