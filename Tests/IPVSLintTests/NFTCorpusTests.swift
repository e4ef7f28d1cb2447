import Foundation
import IPVSLint
import IPVSTestSupport
import Testing

/// The JSON rulesets of the third-party nftables corpus (Tests/Fixtures/corpus/nftables, origins
/// in SOURCES.tsv): each is read, and has the tables, chains, sets and rules that Python's own
/// json module counts in it.
@Suite struct NFTCorpusTests {
    static let directory = Fixtures.path("corpus/nftables")
    static let jsonFiles: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
        .filter { $0.hasSuffix(".json") }.sorted()

    @Test func thereIsACorpus() {
        #expect(Self.jsonFiles.count >= 5)
        let sources = CorpusExpectations.rows("corpus/nftables/SOURCES.tsv").map { $0[0] }
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: Self.directory)) ?? [])
            .filter { $0.hasSuffix(".json") || $0.hasSuffix(".nft") }
        #expect(Set(sources) == Set(files), "every file has its origin in SOURCES.tsv, and only those")
    }

    @Test(.enabled(if: Processes.shouldRun(needing: "python3")), arguments: jsonFiles)
    func readsWhatTheRulesetHolds(_ name: String) async throws {
        let path = Self.directory + "/" + name
        let ruleset = try NFTJSONParser.parse(SourceFile(name: name, text: try String(contentsOfFile: path, encoding: .utf8)))
        let counted = try await Processes.run(
            "/usr/bin/python3",
            [
                "-c",
                """
                import json, sys
                items = json.load(open(sys.argv[1]))["nftables"]
                def count(kind): return sum(1 for item in items if kind in item)
                print(count("table"), count("chain"), count("set") + count("map"), count("rule"))
                """,
                path,
            ])
        #expect(counted.status == 0, "\(counted.stderr)")
        let chains = ruleset.tables.reduce(0) { $0 + $1.chains.count }
        let sets = ruleset.tables.reduce(0) { $0 + $1.sets.count }
        #expect(
            "\(ruleset.tables.count) \(chains) \(sets) \(ruleset.allRules.count)"
                == counted.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "\(name)")
    }
}
