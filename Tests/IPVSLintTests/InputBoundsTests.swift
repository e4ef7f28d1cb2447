import Testing

@testable import IPVSLint

/// Every input is bounded before a parser reads it: a line over 1 MiB or over 10,000 words is
/// an error at its line and column, whatever the input's kind.
@Suite struct InputBoundsTests {
    static let roles: [InputRole] = [.ipvsadm, .keepalived, .iptables, .ip6tables, .sysctl(host: nil), .timeouts]

    static func parse(_ text: String, as role: InputRole) throws(LintInputError) {
        _ = try InputSet.parse(SourceFile(name: "input", text: text), as: role, serviceNames: .none)
    }

    @Test(arguments: roles)
    func aLineOverOneMiBIsAnError(_ role: InputRole) {
        let text =
            "# first\n" + String(repeating: "é", count: 10) + String(repeating: "x", count: SourceFile.maximumLineBytes) + "\n"
        let error = #expect(throws: LintInputError.self) { try Self.parse(text, as: role) }
        #expect(error?.location.line == 2)
        // 10 two-byte Characters, then ASCII: the byte past the bound is Character 1 MiB - 9.
        #expect(error?.location.column == SourceFile.maximumLineBytes - 10 + 1)
        #expect(error?.expected == "lines of at most 1 MiB")
    }

    @Test(arguments: roles)
    func tooManyWordsOnALineIsAnError(_ role: InputRole) {
        let text = String(repeating: "a ", count: SourceFile.maximumWordsPerLine + 5) + "\n"
        let error = #expect(throws: LintInputError.self) { try Self.parse(text, as: role) }
        #expect(error?.location.line == 1)
        #expect(error?.location.column == 2 * SourceFile.maximumWordsPerLine + 1)
        #expect(error?.expected == "at most \(SourceFile.maximumWordsPerLine) words on a line")
    }

    /// Up to the bounds, the file goes on to its parser (whose own error, if any, is another).
    @Test func atTheBoundsTheParserDecides() {
        let text = "-A -t 10.0.0.1:80 -s rr " + String(repeating: "x ", count: SourceFile.maximumWordsPerLine - 6) + "\n"
        let error = #expect(throws: LintInputError.self) { try Self.parse(text, as: .ipvsadm) }
        #expect(error?.expected != "at most \(SourceFile.maximumWordsPerLine) words on a line")
    }
}
