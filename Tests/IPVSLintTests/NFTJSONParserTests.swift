import IPVSLint
import IPVSTestSupport
import Testing

/// `nft -j list ruleset` as nftables itself writes it (Tests/Fixtures/lint/nftables: a ruleset
/// loaded into a scratch network namespace and listed by nft 1.0.6).
@Suite struct NFTJSONParserTests {
    static func ruleset(_ name: String) throws -> NFTRuleset {
        try NFTJSONParser.parse(SourceFile(name: name, text: try Fixtures.text("lint/nftables/" + name)))
    }

    @Test func readsTablesChainsAndHooks() throws {
        let ruleset = try Self.ruleset("director.json")
        let table = try #require(ruleset.table(.ip, "mangle_lvs"))
        #expect(table.chains.map(\.name) == ["pre", "marks_chain", "nat_pre", "in"])
        #expect(table.chain("pre")?.base == NFTChain.Base(type: "filter", hook: "prerouting", priority: -150, policy: "accept"))
        #expect(table.chain("nat_pre")?.base?.priority == -100)
        #expect(table.chain("in")?.base?.policy == "drop")
        #expect(table.chain("marks_chain")?.base == nil)
        #expect(table.set("web_vips")?.keyType == "ipv4_addr . inet_service")
        let marks = try #require(table.set("marks"))
        #expect(marks.dataType == "mark")
        #expect(
            marks.elements.contains(.mapping(.concatenation([.text("10.0.0.2"), .number(80)]), .number(2))))
        #expect(ruleset.allRules.count == 10)
        #expect(ruleset.allRules.allSatisfy { $0.handle != nil })
    }

    @Test func readsMarksVerdictsAndNAT() throws {
        let ruleset = try Self.ruleset("director.json")
        let rules = ruleset.allRules
        let daddrAndPort = NFTExpression.concatenation([
            .payload(protocol: "ip", field: "daddr"), .payload(protocol: "tcp", field: "dport"),
        ])
        #expect(
            rules[0].statements.prefix(2) == [
                .match(left: daddrAndPort, op: "==", right: .reference("web_vips")), .setMark(.packet, .number(1)),
            ])
        #expect(rules[0].statements.last == .other("counter"))
        #expect(rules[1].statements == [.setMark(.packet, .map(key: daddrAndPort, data: .reference("marks")))])
        #expect(rules[2].statements == [.setMark(.connection, .meta("mark"))])
        #expect(rules[3].statements.last == .verdict(.jump("marks_chain")))
        #expect(
            rules[3].statements[1]
                == .match(left: .payload(protocol: "tcp", field: "dport"), op: "==", right: .set([.number(8080), .number(8443)])))
        #expect(rules[4].chain == "marks_chain" && rules[4].statements == [.setMark(.packet, .number(9))])
        #expect(rules[5].statements.last == .dnat(address: .text("192.168.1.5"), port: .number(8080)))
        #expect(rules[6].statements.last == .redirect(port: .number(8081)))
        #expect(
            rules[7].statements == [
                .match(left: .payload(protocol: "ip", field: "daddr"), op: "==", right: .prefix(.text("10.0.0.0"), length: 24)),
                .match(left: .payload(protocol: "tcp", field: "dport"), op: "==", right: .range(.number(22), .number(25))),
                .verdict(.drop),
            ])
        // What the model does not have is kept by name, with where it first appears.
        #expect(Set(ruleset.opaque.keys) == ["counter", "limit"])
        #expect(ruleset.opaque["limit"]?.line == rules[9].location.line)
    }

    @Test(
        arguments: [
            (#"{"nftables": [{"chain": {"family": "ip", "table": "t", "name": "c"}}]}"#, "a chain of a table listed before it"),
            (#"{"nftables": [{"table": {"family": "ipx", "name": "t"}}]}"#, "a family"),
            (
                #"{"nftables": [{"table": {"family": "ip", "name": "t"}}, {"rule": {"family": "ip", "table": "t", "chain": "c", "expr": []}}]}"#,
                "a rule of a chain listed before it"
            ),
            (
                #"{"nftables": [{"table": {"family": "ip", "name": "t"}}, {"chain": {"family": "ip", "table": "t", "name": "c", "hook": "input"}}]}"#,
                "a base chain with its priority"
            ),
            (#"{"nftables": [{"table": {"family": "ip", "name": "t", "x": 1}, "y": 2}]}"#, "one member naming its kind"),
            (#"[]"#, "{\"nftables\": [...]}"),
        ] as [(String, String)])
    func refusesWhatNftRefuses(_ text: String, _ expected: String) {
        do {
            _ = try NFTJSONParser.parse(SourceFile(name: "r.json", text: text))
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.expected.contains(expected), "\(error)")
            #expect(error.location.line == 1)
        }
    }
}
