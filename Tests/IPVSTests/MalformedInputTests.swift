import IPVSKernel
import IPVSTestSupport
import SystemSupport
import Testing

/// Hostile or broken input: every reader answers with an error naming file and line, and what
/// it expected. None may crash, skip a line or invent a value.
@Suite struct MalformedInputTests {
    static let header =
        "IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port Forward Weight ActiveConn InActConn\n"

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var text: [UInt8]
        var line: Int
        var expected: String
        var testDescription: String { name }
    }

    static let serviceTableCases: [Case] = [
        Case(name: "empty file", text: [], line: 1, expected: "header"),
        Case(name: "wrong header", text: Array("hello\n".utf8), line: 1, expected: "header"),
        Case(
            name: "truncated header", text: Array("IP Virtual Server version 1.2.1 (size=4096)\n".utf8), line: 2, expected: "Prot"
        ),
        Case(
            name: "bad table size", text: Array("IP Virtual Server version 1.2.1 (size=x)\n".utf8), line: 1, expected: "(size=N)"),
        Case(name: "truncated service line", text: Array((header + "TCP  0A00\n").utf8), line: 4, expected: "service line"),
        Case(name: "unknown protocol", text: Array((header + "ICMP  0A000001:0050 rr  \n").utf8), line: 4, expected: "protocol"),
        Case(
            name: "bad hex address", text: Array((header + "TCP  0A00G001:0050 rr  \n").utf8), line: 4, expected: "ADDRESS:PORT"),
        Case(name: "bad hex port", text: Array((header + "TCP  0A000001:00Z0 rr  \n").utf8), line: 4, expected: "ADDRESS:PORT"),
        Case(name: "short IPv6", text: Array((header + "TCP  [2001:db8::1]:0050 rr \n").utf8), line: 4, expected: "[IPV6]:PORT"),
        Case(
            name: "real server first", text: Array((header + "  -> C0A80163:0050      Route   1      0          0\n").utf8),
            line: 4, expected: "service line before"),
        Case(
            name: "truncated real server",
            text: Array((header + "TCP  0A000001:0050 rr  \n  -> C0A80163:0050      Route   1\n").utf8), line: 5,
            expected: "-> ADDRESS:PORT"),
        Case(
            name: "unknown forwarding",
            text: Array((header + "TCP  0A000001:0050 rr  \n  -> C0A80163:0050      Bridge  1      0          0\n").utf8),
            line: 5, expected: "forwarding"),
        Case(
            name: "negative weight",
            text: Array((header + "TCP  0A000001:0050 rr  \n  -> C0A80163:0050      Route   -1     0          0\n").utf8),
            line: 5, expected: "weight"),
        Case(
            name: "weight overflow",
            text: Array((header + "TCP  0A000001:0050 rr  \n  -> C0A80163:0050      Route   99999999999 0          0\n").utf8),
            line: 5, expected: "weight"),
        Case(
            name: "persistent without mask", text: Array((header + "TCP  0A000001:0050 rr  persistent 9000\n").utf8), line: 4,
            expected: "persistent TIMEOUT MASK"),
        Case(
            name: "garbage after flags", text: Array((header + "TCP  0A000001:0050 rr  ops junk\n").utf8), line: 4,
            expected: "persistent"),
        Case(name: "blank line", text: Array((header + "TCP  0A000001:0050 rr  \n\n").utf8), line: 5, expected: "service line"),
        Case(
            name: "IPv6 prefix out of range",
            text: Array((header + "TCP  [2001:0db8:0000:0000:0000:0000:0000:0002]:01BB rr persistent 90000 81000000\n").utf8),
            line: 4, expected: "prefix length"),
        Case(name: "1 MB of junk", text: junk(count: 1 << 20), line: 1, expected: "header"),
        Case(
            name: "a line of 100k characters",
            text: Array((header + "TCP  " + String(repeating: "A", count: 100_000) + "\n").utf8), line: 4,
            expected: "ADDRESS:PORT"),
        Case(name: "NUL bytes", text: Array(header.utf8) + [0, 0, 0, 0x0A], line: 4, expected: "service line"),
    ]

    static func junk(count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    @Test(arguments: serviceTableCases)
    func serviceTable(_ c: Case) async throws {
        let error = #expect(throws: ProcParseError.self) {
            try ServiceTableParser.parse(c.text, file: "/proc/net/ip_vs", hz: 250)
        }
        #expect(error?.file == "/proc/net/ip_vs")
        #expect(error?.line == c.line, "\(error?.description ?? "")")
        #expect(error?.expected.contains(c.expected) == true, "\(error?.description ?? "")")
        // Never echo a huge line back whole.
        #expect((error?.description.count ?? 0) < 400)
    }

    static let statsCases: [Case] = [
        Case(name: "empty", text: [], line: 1, expected: "header"),
        Case(
            name: "missing rates",
            text: Array(
                "   Total Incoming Outgoing         Incoming         Outgoing\n   Conns  Packets  Packets            Bytes            Bytes\n      BB      4CC      391            15E1E            17192\n"
                    .utf8), line: 4, expected: "empty line"),
        Case(
            name: "bad hex",
            text: Array(
                "   Total Incoming Outgoing         Incoming         Outgoing\n   Conns  Packets  Packets            Bytes            Bytes\n      BB      4XC      391            15E1E            17192\n"
                    .utf8), line: 3, expected: "hex"),
        Case(
            name: "too wide for 64 bits",
            text: Array(
                "   Total Incoming Outgoing         Incoming         Outgoing\n   Conns  Packets  Packets            Bytes            Bytes\n      BB      4CC      391            15E1E            1FFFFFFFFFFFFFFFFF\n"
                    .utf8), line: 3, expected: "hex"),
        Case(
            name: "four columns",
            text: Array(
                "   Total Incoming Outgoing         Incoming         Outgoing\n   Conns  Packets  Packets            Bytes            Bytes\n      BB      4CC      391            15E1E\n"
                    .utf8), line: 3, expected: "five totals"),
        Case(name: "junk", text: junk(count: 4096), line: 1, expected: "header"),
    ]

    @Test(arguments: statsCases)
    func globalStats(_ c: Case) async throws {
        let error = #expect(throws: ProcParseError.self) {
            try GlobalStatsParser.parse(c.text, file: "/proc/net/ip_vs_stats")
        }
        #expect(error?.line == c.line, "\(error?.description ?? "")")
        #expect(error?.expected.contains(c.expected) == true, "\(error?.description ?? "")")
    }

    static let connHeader = "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n"
    static let connectionCases: [Case] = [
        Case(name: "empty", text: [], line: 1, expected: "header"),
        Case(
            name: "wrong header", text: Array("TCP 0A140002 C5DE 0A0A0A0A 0050 C0A86402 1F90 ESTABLISHED     890\n".utf8),
            line: 1, expected: "header"),
        Case(
            name: "truncated", text: Array((connHeader + "TCP 0A140002 C5DE 0A0A0A0A 0050 C0A8\n").utf8), line: 2,
            expected: "destination address"),
        Case(
            name: "missing expiry",
            text: Array((connHeader + "TCP 0A140002 C5DE 0A0A0A0A 0050 C0A86402 1F90 ESTABLISHED\n").utf8), line: 2,
            expected: "expiry"),
        Case(
            name: "unknown protocol",
            text: Array((connHeader + "XTP 0A140002 C5DE 0A0A0A0A 0050 C0A86402 1F90 ESTABLISHED     890\n").utf8), line: 2,
            expected: "protocol"),
        Case(
            name: "bad hex",
            text: Array((connHeader + "TCP 0A14000Z C5DE 0A0A0A0A 0050 C0A86402 1F90 ESTABLISHED     890\n").utf8), line: 2,
            expected: "client address"),
        Case(
            name: "bad port",
            text: Array((connHeader + "TCP 0A140002 C5DE 0A0A0A0A 050 C0A86402 1F90 ESTABLISHED     890\n").utf8), line: 2,
            expected: "port"),
        Case(
            name: "mixed families",
            text: Array(
                (connHeader + "TCP 0A140002 C5DE fd00:0010:0000:0000:0000:0000:0000:0010 0050 C0A86402 1F90 ESTABLISHED     890\n")
                    .utf8), line: 2, expected: "client's family"),
        Case(
            name: "good line then junk",
            text: Array((connHeader + "TCP 0A140002 C5DE 0A0A0A0A 0050 C0A86402 1F90 ESTABLISHED     890\n%%%\n").utf8), line: 3,
            expected: "protocol"),
        Case(
            name: "a line of 100k characters", text: Array((connHeader + String(repeating: "x", count: 100_000) + "\n").utf8),
            line: 2, expected: "connection entry"),
        Case(name: "1 MB of junk", text: junk(count: 1 << 20), line: 1, expected: ""),
    ]

    @Test(arguments: connectionCases)
    func connectionTable(_ c: Case) async throws {
        let error = #expect(throws: ProcParseError.self) {
            try ConnectionTableParser.parse(c.text, file: "/proc/net/ip_vs_conn")
        }
        #expect(error?.file == "/proc/net/ip_vs_conn")
        #expect(error?.line == c.line, "\(error?.description ?? "")")
        #expect(c.expected.isEmpty || error?.expected.contains(c.expected) == true, "\(error?.description ?? "")")
    }

    @Test func sysctlThatIsNotANumber() async throws {
        let error = #expect(throws: ProcParseError.self) {
            try SysctlParser.parse(Array("ten\n".utf8), name: "am_droprate", file: "/proc/sys/net/ipv4/vs/am_droprate")
        }
        #expect(error?.expected == "an integer")
        #expect(error?.line == 1)
    }

    @Test func sysctlWithTwoLines() async throws {
        let error = #expect(throws: ProcParseError.self) {
            try SysctlParser.parse(Array("1\n2\n".utf8), name: "am_droprate", file: "f")
        }
        #expect(error?.line == 2)
    }

    @Test func malformedSyncThreshold() async throws {
        #expect(throws: ProcParseError.self) {
            try SysctlParser.parse(Array("3\n".utf8), name: "sync_threshold", file: "f")
        }
        #expect(try SysctlParser.parse(Array("3\t50\n".utf8), name: "sync_threshold", file: "f") == "3\t50")
    }

    @Test func missingFileIsNotFoundNotAParseError() async throws {
        let procfs = ProcFS(root: "/nonexistent-procfs")
        #expect(throws: ProcFSError.file(.notFound(path: "/nonexistent-procfs/net/ip_vs"))) {
            try procfs.serviceTable(hz: nil)
        }
    }

    @Test func unreadableFileIsAnIOErrorWithThePath() async throws {
        // A directory where a file should be: open succeeds, read fails with EISDIR.
        let root = try Fixtures.temporaryDirectory()
        try FileManagerShim.makeDirectory(root + "/net/ip_vs")
        let error = #expect(throws: ProcFSError.self) { try ProcFS(root: root).serviceTable(hz: nil) }
        guard case .file(FileError.io(let path, _, _))? = error else {
            Issue.record("expected an I/O error, got \(String(describing: error))")
            return
        }
        #expect(path == root + "/net/ip_vs")
    }
}
