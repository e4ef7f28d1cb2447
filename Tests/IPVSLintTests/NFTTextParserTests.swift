import Foundation
import IPVSLint
import IPVSTestSupport
import Testing

/// The text form of nftables: `nft list ruleset` and scripts for `nft -f`. The oracle is nft
/// itself: each script of the third-party corpus that nft accepts is loaded into a scratch
/// network namespace and listed as text (`nft -a list ruleset`) and as JSON; the reader must
/// make of the listing exactly what the JSON reader makes of the JSON, and of the script what
/// the listing holds.
@Suite struct NFTTextParserTests {
    static let corpus = Fixtures.path("corpus/nftables")
    static let rows = CorpusExpectations.rows("corpus/nftables/SOURCES.tsv")
    static let textFiles: [String] = rows.filter { $0[0].hasSuffix(".nft") }.map { $0[0] }
    /// Those nft 1.0.6 loads (the others need a newer nft, an interface, or are refused).
    static let loadable: [String] =
        rows.filter { $0[0].hasSuffix(".nft") && $0[6] == "ok" }.map { corpus + "/" + $0[0] }
        + [Fixtures.path("lint/nftables/director.nft")]

    static func parse(_ name: String, _ text: String) throws(LintInputError) -> NFTRuleset {
        try NFTTextParser.parse(SourceFile(name: name, text: text))
    }

    /// What a ruleset holds, as one line per object, in a form both readers share: the JSON
    /// reader's `"op": "in"` (flags) is the text's implicit `==`, and opaque statements and
    /// expressions are compared by place, not by the name each form gives them.
    static func summary(_ ruleset: NFTRuleset, handles: Bool = true) -> [String] {
        var lines: [String] = []
        for table in ruleset.tables {
            lines.append("table \(table.family) \(table.name)")
            for set in table.sets {
                lines.append("  set \(set.name) \(set.isMap ? "map" : "set") \(set.elements.count): \(set.elements.map(render))")
            }
            for chain in table.chains {
                let base = chain.base.map { " \($0.type) \($0.hook) \($0.priority) \($0.policy ?? "accept")" } ?? ""
                lines.append("  chain \(chain.name)\(base)")
                for rule in chain.rules {
                    let handle = handles ? rule.handle.map { "#\($0) " } ?? "" : ""
                    lines.append("    \(handle)\(rule.statements.map(render).joined(separator: " ; "))")
                }
            }
        }
        return lines
    }

    static func render(_ statement: NFTStatement) -> String {
        switch statement {
        case .match(let left, let op, let right): "\(render(left)) \(op == "in" ? "==" : op) \(render(right))"
        case .setMark(let holder, let value): "\(holder.rawValue) mark set \(render(value))"
        case .verdict(let verdict): "\(verdict)"
        case .dnat(let address, let port): "dnat \(address.map(render) ?? "-") \(port.map(render) ?? "-")"
        case .redirect(let port): "redirect \(port.map(render) ?? "-")"
        case .verdictMap(let key, let data): "\(render(key)) vmap \(render(data))"
        case .other: "…"
        }
    }

    static func render(_ expression: NFTExpression) -> String {
        switch expression {
        case .number(let value): "\(value)"
        case .text(let text): text
        case .prefix(let address, let length): "\(render(address))/\(length)"
        case .range(let low, let high): "\(render(low))-\(render(high))"
        case .set(let items): "{\(items.map(render).joined(separator: ","))}"
        case .reference(let name): "@\(name)"
        case .concatenation(let items): items.map(render).joined(separator: ".")
        case .map(let key, let data): "\(render(key)) map \(render(data))"
        case .mapping(let key, let value): "\(render(key)):\(render(value))"
        case .payload(let proto, let field): "\(proto) \(field)"
        case .meta(let key): "meta \(key)"
        case .conntrack(let key): "ct \(key)"
        case .binary(let op, let left, let right): "(\(render(left)) \(op) \(render(right)))"
        case .other: "…"
        }
    }

    /// The script loaded by nft in a new network namespace, listed as text and as JSON.
    static func listings(_ path: String) async throws -> (text: String, json: String)? {
        let run = try await Processes.run(
            "/usr/bin/unshare",
            ["-n", "sh", "-c", "nft -f \"$1\" && nft -a list ruleset && echo '=====' && nft -j list ruleset", "sh", path])
        guard run.status == 0 else { return nil }
        let parts = run.stdout.components(separatedBy: "=====\n")
        return parts.count == 2 ? (parts[0], parts[1]) : nil
    }

    @Test(arguments: textFiles)
    func readsEveryScriptOfTheCorpus(_ name: String) throws {
        // Scripts nft 1.0.6 refuses too: newer syntax, interfaces or kernels they need.
        _ = try Self.parse(name, try String(contentsOfFile: Self.corpus + "/" + name, encoding: .utf8))
    }

    @Test(
        .enabled(if: getuid() == 0 && Processes.which("unshare") != nil && Processes.which("nft") != nil),
        arguments: loadable)
    func readsTheListingAsNftDoes(_ path: String) async throws {
        let name = String(path.split(separator: "/").last ?? "")
        let listed = try #require(try await Self.listings(path), "nft loads \(name)")
        let text = try Self.parse("listing", listed.text)
        let json = try NFTJSONParser.parse(SourceFile(name: "json", text: listed.json))
        let (fromText, fromJSON) = (Self.summary(text), Self.summary(json))
        let firstDifference = (0..<max(fromText.count, fromJSON.count)).first {
            $0 >= fromText.count || $0 >= fromJSON.count || fromText[$0] != fromJSON[$0]
        }
        #expect(
            firstDifference == nil,
            "\(name): text \(firstDifference.map { $0 < fromText.count ? fromText[$0] : "(ends)" } ?? "") ≠ JSON \(firstDifference.map { $0 < fromJSON.count ? fromJSON[$0] : "(ends)" } ?? "")"
        )
        #expect(text.allRules.allSatisfy { $0.handle != nil }, "nft -a prints every rule's handle")
        // The script itself, as written: the same tables, chains and rules.
        let script = try Self.parse(name, try String(contentsOfFile: path, encoding: .utf8))
        #expect(
            Self.summary(script, handles: false).map { $0.replacingOccurrences(of: "…", with: "") }.count
                == Self.summary(text, handles: false).count, "\(name): the script and its listing")
    }

    /// Places in a script are its own lines and columns (the listing's are nft's).
    @Test func placesAreTheScriptsLines() throws {
        let script = try Self.parse("director.nft", try Fixtures.text("lint/nftables/director.nft"))
        #expect(script.allRules.first?.location.line == 12)
        #expect(script.allRules.first?.location.column == 3)
        #expect(Set(script.opaque.keys) == ["limit"])
        #expect(script.opaque["limit"]?.description == "director.nft:29:3")
    }

    @Test func readsScriptCommandsAndVariables() throws {
        let ruleset = try Self.parse(
            "s.nft",
            """
            #!/usr/sbin/nft -f
            flush ruleset
            define VIP = 192.0.2.10
            define PORTS = { 80, 443 }
            add table inet lvs
            add chain inet lvs pre { type filter hook prerouting priority mangle - 5 ; policy accept ; }
            add rule inet lvs pre ip daddr $VIP tcp dport $PORTS \
                meta mark set 0x10
            insert rule inet lvs pre ct state established,related accept
            add map inet lvs m { type ipv4_addr : mark ; }
            add element inet lvs m { 192.0.2.11 : 17 }
            """)
        let table = try #require(ruleset.table(.inet, "lvs"))
        #expect(table.chain("pre")?.base == NFTChain.Base(type: "filter", hook: "prerouting", priority: -155, policy: "accept"))
        let rules = table.chain("pre")?.rules ?? []
        #expect(
            rules.map { Self.summaryLine($0) } == [
                "ct state == {established,related} ; accept", "ip daddr == 192.0.2.10 ; tcp dport == {80,443} ; meta mark set 16",
            ])
        #expect(rules[1].location.line == 7)
        #expect(table.set("m")?.elements == [.mapping(.text("192.0.2.11"), .number(17))])
        #expect(Set(ruleset.opaque.keys) == ["flush"])
    }

    static func summaryLine(_ rule: NFTRule) -> String { rule.statements.map(render).joined(separator: " ; ") }

    /// What nft -c -f refuses and the reader can tell: an error at the line and column.
    @Test(arguments: [
        ("table ip t {\n  chain c {\n    accept\n  }\n", "1:12", "a } ending table t"),
        ("tables ip t {\n}\n", "1:1", "a command"),
        ("table ip t {\n  chain c {\n    type filter hook input priority lowest;\n  }\n}\n", "3:37", "a priority"),
        ("table ip t {\n  chain c {\n    type filter hook inbound priority 0;\n  }\n}\n", "3:22", "a hook"),
        ("table ip t {\n  chain c {\n    ip daddr $VIP accept\n  }\n}\n", "3:14", "a variable defined before its use"),
        ("add rule ip t c accept\n", "1:13", "a table declared before it is used"),
        ("table ip t {\n}\nadd rule ip t c accept\n", "3:15", "a chain of table t"),
        ("table ip t {\n  chain c {\n    meta mark set 1 comment \"open\n  }\n}\n", "3:29", "\"…\" on one line"),
        ("table ip t {\n  chain c {\n    tcp dport { 80, 443 accept\n  }\n}\n", "1:12", "a } ending table t"),
        ("table ip t {\n  chain c {\n    ip daddr\n  }\n}\n", "3:13", "a value to compare ip daddr with"),
        ("table inet t {\n  chain c {\n    policy maybe;\n  }\n}\n", "3:12", "policy accept or policy drop"),
        (
            "table inet t {\n  chain c {\n    type filter hook input priority security + 2147483647;\n  }\n}\n", "3:37",
            "a priority"
        ),
        (
            "table ip t {\n  chain c {\n    ip daddr " + String(repeating: "(", count: 100) + "1\n  }\n}\n", "3:78",
            "at most 64 nested brackets"
        ),
    ])
    func refusesWhatNftRefuses(_ text: String, _ place: String, _ expected: String) {
        #expect {
            _ = try Self.parse("bad.nft", text)
        } throws: { error in
            guard let error = error as? LintInputError else { return false }
            return "\(error.location.line):\(error.location.column)" == place && error.expected.contains(expected)
        }
    }

    /// Statements the rules do not read are kept by kind, never refused.
    @Test func keepsWhatItDoesNotModel() throws {
        let ruleset = try Self.parse(
            "o.nft",
            """
            table inet t {
              flowtable f { hook ingress priority 0; devices = { lo }; }
              chain c {
                type filter hook input priority 0;
                tcp option maxseg size 1-500 drop
                fib daddr type local meta l4proto tcp tcp dport 80 accept
                xt match "recent" counter
                some-future-statement 7 accept
              }
            }
            """)
        let rules = try #require(ruleset.table(.inet, "t")?.chain("c")?.rules)
        #expect(
            rules.map(Self.summaryLine) == [
                "… == 1-500 ; drop", "… == local ; meta l4proto == tcp ; tcp dport == 80 ; accept", "… ; …", "… ; … ; accept",
            ])
        #expect(Set(ruleset.opaque.keys) == ["flowtable", "tcp option", "fib", "xt", "some-future-statement", "7"])
        #expect(ruleset.opaque["fib"]?.description == "o.nft:6:5")
    }

    /// What nft's grammar allows that a first reading gets wrong: a backslash in a string (no
    /// escapes), `define` inside blocks, map elements written without blanks.
    @Test func readsTheLessCommonForms() throws {
        let ruleset = try Self.parse(
            "f.nft",
            """
            table inet f {
                define web = { 80, 443 }
                chain in {
                    type filter hook input priority 0; policy accept;
                    define ssh = 22
                    tcp dport $web accept comment "C:\\"
                    tcp dport vmap {22:accept, 8080:drop}
                    tcp dport $ssh meta mark set ip daddr map { 10.0.0.1 :1, 10.0.0.2:0x2 }
                }
            }
            """)
        let rules = try #require(ruleset.table(.inet, "f")?.chain("in")?.rules)
        #expect(
            rules.map(Self.summaryLine) == [
                "tcp dport == {80,443} ; accept ; …", "tcp dport vmap {22:accept,8080:drop}",
                "tcp dport == 22 ; meta mark set ip daddr map {10.0.0.1:1,10.0.0.2:2}",
            ])
    }
}
