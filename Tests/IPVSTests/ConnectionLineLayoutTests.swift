import IPVSModel
import IPVSTestSupport
import SystemSupport
import Testing

@testable import IPVSKernel

/// The fixed-offset path of the connection-table parser must read every line exactly as the
/// general parser does, and hand every line it does not read to it: the same counts for every
/// input, and the same error (file, line, column) for every malformed one.
@Suite struct ConnectionLineLayoutTests {
    static let header = "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n"
    static let v6Client = "fd00:0020:0000:0000:0000:0000:0000:0002"
    static let v6Virtual = "fd00:0100:0000:0000:0000:0000:0000:0100"
    static let v6Real = "fd00:0016:0001:0000:0000:0000:0000:0011"

    /// One line per shape `ip_vs_conn_seq_show` prints, and the two the fast path takes.
    static let fixedLayout = [
        "TCP C0A81402 9A40 0A000064 0050 AC10020B 1F90 TIME_WAIT       118",
        "TCP C0A81402 9A40 0A000064 0050 AC10020B 1F90 ESTABLISHED     899",
        "UDP 0A0000C8 8F12 0A000064 0035 AC10010B 0035 UDP             299",
        "IP  C0A81402 0000 0A000064 0000 AC10010B 0000 NONE            359",
        "TCP C0A81402 0000 0A000064 0050 AC10010B 1F90 NONE            300",
        "TCP C0A81402 0000 0A000064 0050 AC10010B 1F90 ASSURED         300",
        "TCP \(v6Client) D39E \(v6Virtual) 0050 \(v6Real) 1F90 TIME_WAIT       115",
        "UDP \(v6Client) D39E \(v6Virtual) 0035 \(v6Real) 0035 UDP              12",
        "TCP FFFFFFFF FFFF FFFFFFFF FFFF FFFFFFFF FFFF CLOSE_WAIT  123456789",
    ]
    /// Lines the kernel prints that the general parser reads.
    static let generalOnly = [
        "SCTP C0A81402 9A40 0A000064 0050 AC10020B 1F90 ESTABLISHED      60",
        "SCTP C0A81402 9A40 0A000064 0050 AC10020B 1F90 COOKIE_ECHOED     3",
        "UDP 0A0000C8 13C4 0A000064 13C4 AC10010B 13C4 UDP             179 sip 3a4c9ff1@10.0.0.200",
        "TCP C0A81402 9A40 0A000064 0050 AC10020B 1F90 TIME_WAIT   4294967295",
        "TCP \(v6Client) D39E \(v6Virtual) 0050 AC10010B 1F90 ESTABLISHED     899",
        "TCP c0a81402 9a40 0a000064 0050 ac10020b 1f90 TIME_WAIT       118",
    ]

    static func parse(_ text: String, fixedLayout: Bool) -> Result<ConnectionCounts, ProcParseError> {
        Result { () throws(ProcParseError) in
            try ConnectionTableParser.parse(Array(text.utf8), file: "/proc/net/ip_vs_conn", fixedLayout: fixedLayout)
        }
    }

    static func expectAgreement(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let fast = parse(text, fixedLayout: true)
        let general = parse(text, fixedLayout: false)
        #expect(fast == general, "\(text.debugDescription)", sourceLocation: sourceLocation)
    }

    static func fixedLayoutLines(_ text: String) throws -> Int {
        var parser = ConnectionTableParser(file: "f")
        try parser.feed(Array(text.utf8)[...])
        _ = try parser.finish()
        return parser.fixedLayoutLines
    }

    @Test(arguments: fixedLayout)
    func kernelLinesTakeTheFixedLayout(_ line: String) throws {
        #expect(try Self.fixedLayoutLines(Self.header + line + "\n") == 1)
        Self.expectAgreement(Self.header + line + "\n")
        // The same line again right after (its length is the next line's guess), and unterminated.
        Self.expectAgreement(Self.header + line + "\n" + line + "\n" + line)
    }

    @Test(arguments: generalOnly)
    func otherKernelLinesTakeTheGeneralParser(_ line: String) throws {
        #expect(try Self.fixedLayoutLines(Self.header + line + "\n") == 0)
        Self.expectAgreement(Self.header + line + "\n")
        #expect(throws: Never.self) { try Self.parse(Self.header + line + "\n", fixedLayout: true).get() }
    }

    /// Every one-byte change, insertion and deletion of every line: the two paths agree, on
    /// the count or on the error's line and column.
    @Test(arguments: fixedLayout + generalOnly)
    func everyEditAgrees(_ line: String) {
        let bytes = Array(line.utf8)
        let replacements: [UInt8] = Array(" \t:0975aAfFgGxZ_\n".utf8) + [0x00, 0x7F, 0xC3]
        for position in bytes.indices {
            for replacement in replacements {
                var changed = bytes
                changed[position] = replacement
                Self.expectAgreement(Self.header + String(decoding: changed, as: UTF8.self) + "\n" + line + "\n")
            }
            var inserted = bytes
            inserted.insert(UInt8(ascii: " "), at: position)
            Self.expectAgreement(Self.header + String(decoding: inserted, as: UTF8.self) + "\n")
            var deleted = bytes
            deleted.remove(at: position)
            Self.expectAgreement(Self.header + String(decoding: deleted, as: UTF8.self) + "\n")
        }
    }

    /// The lab kernel's table, whole and fed in chunks of every awkward size: lines split across
    /// chunks go through the carry, and the guess of the next line's end must not cross a chunk.
    @Test(arguments: [1, 7, 64, 65, 66, 67, 4096])
    func capturedTableInChunks(_ size: Int) throws {
        let text = try Fixtures.text("kernel-6.1-lab/proc/net/ip_vs_conn")
        let whole = try ConnectionTableParser.parse(Array(text.utf8), file: "f", fixedLayout: false)
        var parser = ConnectionTableParser(file: "f")
        let bytes = Array(text.utf8)
        for start in stride(from: 0, to: bytes.count, by: size) {
            try parser.feed(bytes[start..<min(start + size, bytes.count)])
        }
        #expect(try parser.finish() == whole)
        #expect(parser.fixedLayoutLines == Int(whole.entries))
        #expect(whole.entries == 245)
    }

    @Test func hexDigitsEightAtOnce() {
        let alphabet = Array("0123456789abcdefABCDEFgG: /@`\u{7F}".utf8)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let text = (0..<8).map { _ in alphabet.randomElement(using: &generator)! }
            let packed = text.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
            let expected = parseHex(text[...], as: UInt32.self)
            #expect(ConnectionLineLayout.hex8(packed, uppercaseOnly: false) == expected, "\(text)")
            let upper = text.allSatisfy { !(0x61...0x66).contains($0) } ? expected : nil
            #expect(ConnectionLineLayout.hex8(packed, uppercaseOnly: true) == upper, "\(text)")
        }
    }

    @Test func paddedExpiry() {
        func packed(_ text: String) -> UInt64 {
            Array(text.utf8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        }
        for good in ["        ".dropLast() + "0", "      12", " 1234567", "12345678"] {
            #expect(ConnectionLineLayout.paddedDigits(packed(String(good))), "\(good)")
        }
        for bad in ["        ", "  12 345", "1       ", "  12\t345", "     -12", "   1234a", "\u{7F}1234567"] {
            #expect(!ConnectionLineLayout.paddedDigits(packed(bad)), "\(bad)")
        }
    }
}
