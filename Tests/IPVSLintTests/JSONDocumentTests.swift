import IPVSLint
import IPVSTestSupport
import Testing

/// The JSON reader under `--nftables` JSON input: values with their places, and every
/// malformed document refused at the right line and column.
@Suite struct JSONDocumentTests {
    static func parse(_ text: String) throws(LintInputError) -> JSONNode {
        try JSONDocument.parse(SourceFile(name: "ruleset.json", text: text))
    }

    @Test func valuesAndTheirPlaces() throws {
        let document = try Self.parse(
            """
            {"nftables": [
              {"metainfo": {"version": "1.0.6", "json_schema_version": 1}},
              {"chain": {"family": "inet", "name": "pre", "prio": -150, "policy": null, "ok": true}},
              {"rule": {"handle": 4294967295, "comment": "caf\\u00e9 \\ud83d\\ude00 \\"q\\" \\/ \\t", "expr": []}}
            ]}
            """)
        let items = try #require(document["nftables"]?.array)
        #expect(items.count == 3)
        let chain = try #require(items[1]["chain"])
        #expect(chain.location.line == 3 && chain.location.column == 13)
        #expect(chain["prio"]?.integer == -150)
        #expect(chain["policy"]?.isNull == true)
        #expect(chain["ok"]?.value == .bool(true))
        let rule = try #require(items[2]["rule"])
        #expect(rule["handle"]?.unsigned == 4_294_967_295)
        #expect(rule["comment"]?.string == "café 😀 \"q\" / \t")
        #expect(rule["expr"]?.array?.isEmpty == true)
        #expect(rule["handle"]?.location.line == 4)
        #expect(rule["handle"]?.location.column == 23)
        #expect(try Self.parse(" 1e3 ").value == .number("1e3"))
        #expect(try Self.parse("-0.5E-2").value == .number("-0.5E-2"))
        #expect(try Self.parse("\r\n[ ]\r\n").array?.isEmpty == true)
    }

    @Test(
        arguments: [
            ("", 1, 1, "a JSON value"),
            ("{\"a\": 1,}", 1, 9, "a member name"),
            ("[1, 2,]", 1, 7, "a JSON value"),
            ("{\"a\": 1, \"a\": 2}", 1, 10, "each member name once"),
            ("[01]", 1, 3, "no leading zero"),
            ("[1.]", 1, 4, "a digit after the decimal point"),
            ("[\"a\nb\"]", 1, 4, "the closing \""),
            ("[\"\\ud800\"]", 1, 9, "the low half of a surrogate pair"),
            ("[\"\\udc00\"]", 1, 9, "a surrogate pair, not its low half alone"),
            ("[\"\\x\"]", 1, 4, "one of the escapes"),
            ("[\"\u{01}\"]", 1, 3, "a control character"),
            ("{} {}", 1, 4, "the end of the document"),
            ("{\"a\" 1}", 1, 6, "\":\" after a member name"),
            ("[true, nul]", 1, 8, "\"null\""),
            ("{\n  \"a\": [1 2]\n}", 2, 11, "\",\" or \"]\""),
        ] as [(String, Int, Int, String)])
    func refusesWhatJSONDoesNotAllow(_ text: String, _ line: Int, _ column: Int, _ expected: String) {
        do {
            let node = try Self.parse(text)
            Issue.record("accepted \(text.debugDescription) as \(node.kind)")
        } catch {
            #expect(error.location.line == line && error.location.column == column, "\(error)")
            #expect(error.expected.contains(expected), "\(error)")
        }
    }

    /// Deep nesting is an error at the bracket that goes too deep, not a crash.
    @Test func nestingIsBounded() throws {
        let deepest =
            String(repeating: "[", count: JSONDocument.maximumDepth) + String(repeating: "]", count: JSONDocument.maximumDepth)
        #expect(try Self.parse(deepest).array?.count == 1)
        let tooDeep = String(repeating: "[", count: 100_000)
        do {
            _ = try Self.parse(tooDeep)
            Issue.record("accepted 100,000 levels")
        } catch {
            #expect(error.location.column == JSONDocument.maximumDepth + 1)
            #expect(error.expected.contains("levels of nesting"))
        }
    }
}
