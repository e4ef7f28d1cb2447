import IPVSModel
import Testing

@testable import IPVSLint

/// `IPTablesSaveParser.split` walks bytes; its columns must still count Characters, as every
/// other location does, on lines with multi-byte and multi-scalar characters.
@Suite struct IPTablesTokenizerTests {
    static func words(_ line: String, offset: Int = 0) throws -> [String] {
        try IPTablesSaveParser.split(line[...], offset: offset, file: SourceName("fw"), line: 1).map { "\($0.column):\($0.text)" }
    }

    static func errorColumn(_ line: String) -> Int? {
        do {
            _ = try IPTablesSaveParser.split(line[...], offset: 0, file: SourceName("fw"), line: 1)
            return nil
        } catch {
            return error.location.column
        }
    }

    @Test func asciiColumnsAreBytePositions() async throws {
        #expect(try Self.words("-A INPUT\t-j  ACCEPT") == ["1:-A", "4:INPUT", "10:-j", "14:ACCEPT"])
        #expect(try Self.words("--comment \"it\\'s \\\"x\\\"\" -j", offset: 3) == ["4:--comment", "14:it's \"x\"", "28:-j"])
    }

    @Test func nonASCIIColumnsCountCharacters() async throws {
        #expect(
            try Self.words(#"-A INPUT -m comment --comment "café ☃" -j ACCEPT"#)
                == ["1:-A", "4:INPUT", "10:-m", "13:comment", "21:--comment", "31:café ☃", "40:-j", "43:ACCEPT"])
        // Combining accents and a ZWJ family are one column each, like any other character.
        #expect(try Self.words("--comment e\u{301}e\u{301} X") == ["1:--comment", "11:e\u{301}e\u{301}", "14:X"])
        #expect(try Self.words("\"👨‍👩‍👧\" Y") == ["1:👨‍👩‍👧", "5:Y"])
        #expect(try Self.words("ü\\ x ☃", offset: 2) == ["3:ü x", "8:☃"])
    }

    @Test func errorColumnsCountCharacters() async {
        #expect(Self.errorColumn("ü \"abc") == 3)
        #expect(Self.errorColumn("ü ab\\") == 5)
        #expect(Self.errorColumn("a \"abc") == 3)
        #expect(Self.errorColumn("a ab\\") == 5)
    }

    @Test func parseErrorsPointAtCharacters() async throws {
        let file = SourceFile(name: "fw", text: "*filter\n-A ÜBER☃ -j ACCEPT\nCOMMIT\n")
        #expect {
            try IPTablesSaveParser.parse(file, family: .ipv4)
        } throws: { error in
            guard let error = error as? LintInputError else { return false }
            return error.location.column == 4 && error.location.endColumn == 9 && error.found == "\"ÜBER☃\""
        }
    }
}
