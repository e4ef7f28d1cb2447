import Foundation
import IPVSLint
import IPVSTestSupport
import Testing

/// The nft-directors scenario: nftables directors in the lab VM (a native table, keepalived's
/// nftables_ipvs maps, firewalld's zone chains), each correct set-up carrying traffic and each
/// broken variant showing its mistake. The linter ran in the VM on the files
/// (`lint --nftables <(nft -j list ruleset) --ipvsadm <(ipvsadm -S -n)`) and live; here the
/// recorded listings are linted again, as nft's text and as its JSON.
@Suite struct NFTDirectorLabTests {
    static let results = KernelLabTests.results

    /// Set-up, the rules it must show and nothing else, and the exit status (LVS514 is info).
    static let setups: [(String, [String], String)] = [
        ("nft-native", [], "0"), ("broken-nft-mark-late", ["LVS502"], "1"), ("broken-nft-mark-typo", ["LVS501"], "1"),
        ("broken-nft-mark-other-vip", ["LVS514"], "0"), ("broken-nft-vip-dropped", ["LVS510"], "1"),
        ("broken-nft-vip-dnat", ["LVS509"], "1"), ("nft-keepalived-maps", [], "0"),
        ("broken-nft-keepalived-priority", ["LVS502"], "1"), ("nft-firewalld-zones", [], "0"),
        ("broken-nft-firewalld-port", ["LVS510"], "1"),
    ]

    static func directory(_ setup: String) -> String { results! + "/nft-directors/nft/" + setup }

    static func read(_ setup: String, _ name: String) throws -> String {
        try String(contentsOfFile: directory(setup) + "/" + name, encoding: .utf8)
    }

    @Test(.enabled(if: results != nil), arguments: setups)
    func theLinterInTheVMFindsEachMistake(_ setup: String, _ expected: [String], _ status: String) throws {
        for run in ["lint-files", "lint-live"] {
            let output = try Self.read(setup, run + ".txt")
            let stderr = (try? Self.read(setup, run + ".stderr")) ?? ""
            #expect(Set(ConciseLint.ruleIDs(output)) == Set(expected), "\(setup) \(run):\n\(output)\(stderr)")
            #expect(
                try Self.read(setup, run + ".status").trimmingCharacters(in: .whitespacesAndNewlines) == status,
                "\(setup) \(run): \(stderr)")
        }
    }

    /// The recorded `nft -a list ruleset` and `nft -j list ruleset` give the same findings, at
    /// the same rules (by handle), as the linter in the VM.
    @Test(.enabled(if: results != nil), arguments: setups)
    func theListingsGiveTheSameFindings(_ setup: String, _ expected: [String], _ status: String) throws {
        var messages: [String: [String]] = [:]
        for listing in ["nft-list-ruleset.txt", "nft-list-ruleset.json"] {
            var set = InputSet()
            try set.add(SourceFile(name: "ipvsadm-save-n.txt", text: try Self.read(setup, "ipvsadm-save-n.txt")), as: .ipvsadm)
            try set.add(SourceFile(name: listing, text: try Self.read(setup, listing)), as: .nftables)
            try set.add(SourceFile(name: "director", text: try Self.read(setup, "sysctl-a-director.txt")), as: .sysctl(host: nil))
            for (host, file) in [("172.16.1.11", "sysctl-a-rs1.txt"), ("172.16.2.11", "sysctl-a-rs2.txt")] {
                try set.add(SourceFile(name: file, text: try Self.read(setup, file)), as: .sysctl(host: host))
            }
            let findings = set.lint().findings
            #expect(Set(findings.map(\.ruleID)) == Set(expected), "\(setup) \(listing): \(findings.map(\.message))")
            // Text names a rule by line, JSON by handle: compare what else they say.
            messages[listing] = findings.map {
                "\($0.ruleID) "
                    + $0.message.replacing(/\((line|handle) [0-9]+\)/, with: "(…)")
                    .replacing("nft-list-ruleset.txt", with: "…").replacing("nft-list-ruleset.json", with: "…")
            }.sorted()
        }
        #expect(messages["nft-list-ruleset.txt"] == messages["nft-list-ruleset.json"], "\(setup)")
    }
}
