import Foundation
import IPVSLint
import IPVSTestSupport
import Testing

/// The nft-directors scenario: nftables directors in the lab VM (a native table, keepalived's
/// nftables_ipvs maps, firewalld's zone chains), each correct set-up carrying traffic and each
/// broken variant showing its mistake; and keepalived-nftables, keepalived 2.2.7 itself
/// building its nftables_ipvs table. The linter ran in the VM on the files
/// (`lint --nftables <(nft -j list ruleset) --ipvsadm <(ipvsadm -S -n)`) and live; here the
/// recorded listings are linted again, as nft's text and as its JSON.
@Suite struct NFTDirectorLabTests {
    static let results = KernelLabTests.results

    /// Scenario, set-up, the rules it must show and nothing else, and the exit status (LVS514
    /// is info).
    static let setups: [(String, String, [String], String)] = [
        ("nft-directors", "nft-native", [], "0"), ("nft-directors", "broken-nft-mark-late", ["LVS502"], "1"),
        ("nft-directors", "broken-nft-mark-typo", ["LVS501"], "1"),
        ("nft-directors", "broken-nft-mark-other-vip", ["LVS514"], "0"),
        ("nft-directors", "broken-nft-vip-dropped", ["LVS510"], "1"), ("nft-directors", "broken-nft-vip-dnat", ["LVS509"], "1"),
        ("nft-directors", "nft-keepalived-maps", [], "0"), ("nft-directors", "broken-nft-keepalived-priority", ["LVS502"], "1"),
        ("nft-directors", "nft-firewalld-zones", [], "0"), ("nft-directors", "broken-nft-firewalld-port", ["LVS510"], "1"),
        // keepalived 2.2.7 itself, with nftables_ipvs.
        ("keepalived-nftables", "keepalived-nftables-ipvs", [], "0"),
        ("keepalived-nftables", "broken-keepalived-nftables-priority", ["LVS502"], "1"),
    ]

    static func directory(_ scenario: String, _ setup: String) -> String { results! + "/\(scenario)/nft/" + setup }

    static func read(_ scenario: String, _ setup: String, _ name: String) throws -> String {
        try String(contentsOfFile: directory(scenario, setup) + "/" + name, encoding: .utf8)
    }

    /// In the VM: from the files, live, and (keepalived's set-ups) from keepalived.conf beside
    /// an iptables-save that has no rule for keepalived's marks.
    @Test(.enabled(if: results != nil), arguments: setups)
    func theLinterInTheVMFindsEachMistake(_ scenario: String, _ setup: String, _ expected: [String], _ status: String)
        throws
    {
        let runs = ["lint-files", "lint-live"] + (scenario == "keepalived-nftables" ? ["lint-keepalived"] : [])
        for run in runs {
            let output = try Self.read(scenario, setup, run + ".txt")
            let stderr = (try? Self.read(scenario, setup, run + ".stderr")) ?? ""
            #expect(Set(ConciseLint.ruleIDs(output)) == Set(expected), "\(setup) \(run):\n\(output)\(stderr)")
            #expect(
                try Self.read(scenario, setup, run + ".status").trimmingCharacters(in: .whitespacesAndNewlines) == status,
                "\(setup) \(run): \(stderr)")
        }
    }

    /// The recorded `nft -a list ruleset` and `nft -j list ruleset` give the same findings, at
    /// the same rules (by handle), as the linter in the VM.
    @Test(.enabled(if: results != nil), arguments: setups)
    func theListingsGiveTheSameFindings(_ scenario: String, _ setup: String, _ expected: [String], _ status: String)
        throws
    {
        var messages: [String: [String]] = [:]
        for listing in ["nft-list-ruleset.txt", "nft-list-ruleset.json"] {
            var set = InputSet()
            try set.add(
                SourceFile(name: "ipvsadm-save-n.txt", text: try Self.read(scenario, setup, "ipvsadm-save-n.txt")), as: .ipvsadm)
            try set.add(SourceFile(name: listing, text: try Self.read(scenario, setup, listing)), as: .nftables)
            // nft-directors records the sysctls too.
            if let director = try? Self.read(scenario, setup, "sysctl-a-director.txt") {
                try set.add(SourceFile(name: "director", text: director), as: .sysctl(host: nil))
                for (host, file) in [("172.16.1.11", "sysctl-a-rs1.txt"), ("172.16.2.11", "sysctl-a-rs2.txt")] {
                    try set.add(SourceFile(name: file, text: try Self.read(scenario, setup, file)), as: .sysctl(host: host))
                }
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
