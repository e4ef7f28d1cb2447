import Foundation
import IPVSLint
import IPVSTestSupport
import Testing

/// Mutated real inputs: each either parses (and then lints and renders in every format) or
/// stops with an error inside the file. A crash fails the whole run, which is the point.
@Suite struct HostileInputTests {
    /// A small deterministic generator, so a failure can be replayed.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let tokens = [
        ":", "[", "]", "-", "/", "\"", "'", "\\", "!", "#", " ", "\t", "\n", "=", ",", "0", "65536", "-1", "99999999999999999999",
        "0xffffffff", "/0x0", "-A", "-a", "-E", "-d", "-C", "-6", "-f 0", "-p", "-M", "--set", "*nat", "*filter", "COMMIT",
        ":X - [0:0]",
        "-j MARK", "--set-xmark", "--set-mark", "--and-mark", "-m multiport --dports", "-j DNAT", "[1:2]", "fe80::1",
        "255.255.255.255",
        "# ipvs-lint: disable=LVS201 -- x", "é", "\u{0}", "\r",
    ]

    static func mutate(_ text: String, _ generator: inout SplitMix) -> String {
        var characters = Array(text)
        for _ in 0..<Int.random(in: 1...4, using: &generator) {
            let position = characters.isEmpty ? 0 : Int.random(in: 0..<characters.count, using: &generator)
            switch Int.random(in: 0..<5, using: &generator) {
            case 0 where !characters.isEmpty:
                characters.remove(at: position)
            case 1:
                characters.insert(contentsOf: tokens.randomElement(using: &generator)!, at: position)
            case 2 where !characters.isEmpty:
                characters.removeSubrange(position..<min(characters.count, position + Int.random(in: 1...40, using: &generator)))
            case 3:
                var lines = String(characters).split(separator: "\n", omittingEmptySubsequences: false)
                if lines.count > 1 {
                    lines.swapAt(
                        Int.random(in: 0..<lines.count, using: &generator), Int.random(in: 0..<lines.count, using: &generator))
                }
                characters = Array(lines.joined(separator: "\n"))
            default:
                characters = Array(characters.prefix(position))
            }
        }
        return String(characters)
    }

    struct Seed: CustomStringConvertible, Sendable {
        var name: String
        var role: InputRole
        var text: String
        var description: String { name }
    }

    static let seeds: [Seed] = {
        var seeds: [Seed] = []
        for (name, role) in [
            ("ipvsadm-S-n.txt", InputRole.ipvsadm), ("ipvsadm-S.txt", .ipvsadm), ("iptables-save.txt", .iptables),
            ("iptables-legacy-save.txt", .iptables), ("ip6tables-save.txt", .ip6tables), ("ipvsadm-L-timeout.txt", .timeouts),
        ] {
            if let text = try? Fixtures.capture(name) { seeds.append(Seed(name: name, role: role, text: text)) }
        }
        if let text = try? Fixtures.text("lab/lint-inputs/broken-arp-sysctls/sysctl-a-rs2.txt") {
            seeds.append(Seed(name: "sysctl-a-rs2.txt", role: .sysctl(host: "172.16.2.11"), text: text))
        }
        for page in (try? RulePage.all()) ?? [] {
            for block in (try? page.blocks("Example")) ?? [] {
                guard let role = block.role else { continue }
                seeds.append(Seed(name: "\(page.id):\(block.line)", role: role, text: block.text))
            }
        }
        return seeds
    }()

    @Test(arguments: seeds) func mutantsNeverCrash(_ seed: Seed) async {
        // Seeded by the name (FNV-1a), so every run tries the same mutants.
        var generator = SplitMix(state: seed.name.utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 })
        let companion = try? IPVSAdmRulesParser.parse(
            SourceFile(name: "companion", text: (try? Fixtures.capture("ipvsadm-S-n.txt")) ?? ""))
        var parsed = 0
        for round in 0..<120 {
            let text = Self.mutate(seed.text, &generator)
            let file = SourceFile(name: "mutant", text: text)
            var set = InputSet()
            do throws(LintInputError) {
                try set.add(file, as: seed.role)
            } catch {
                #expect(error.location.file == "mutant")
                #expect(error.location.line >= 1 && error.location.line <= file.lines.count + 1, "\(error)")
                #expect(error.location.column >= 1)
                continue
            }
            parsed += 1
            var inputs = set
            if seed.role != .ipvsadm, companion != nil {
                // Give rules that need a service list something to chew on.
                try? inputs.add(
                    SourceFile(name: "companion", text: (try? Fixtures.capture("ipvsadm-S-n.txt")) ?? ""), as: .ipvsadm)
            }
            let result = inputs.lint()
            for format in OutputFormat.allCases where round % 8 == 0 || format == .concise {
                _ = LintReport(result: result, files: inputs.files, version: "test").render(format)
            }
        }
        #expect(
            parsed > 0 || seed.text.isEmpty,
            "no mutant of \(seed.name) parsed: the mutations are too destructive to test the rules")
    }
}
