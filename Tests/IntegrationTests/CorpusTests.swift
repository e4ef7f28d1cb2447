import Foundation
import IPVSTestSupport
import Testing

/// Configurations published by others (Tests/Fixtures/corpus/KIND, each file's origin in its
/// SOURCES.tsv), linted as a new user would. A file its own tool accepts is never refused
/// (exit 2); every finding on the corpus is listed in findings.tsv with why it is true, and no
/// other appears. The tool's verdict is checked where it can run: keepalived --config-test
/// here, iptables-restore --test and nft -c in the kernel lab (KernelLabTests).
@Suite struct CorpusTests {
    struct Entry: CustomStringConvertible, Sendable {
        var kind: String
        var file: String
        /// `accepts` or `refuses`, as keepalived --config-test, iptables-restore --test or nft -c said.
        var tool: String
        var exit: Int32
        /// For exit 2, `file:line:col` of the error; else `-`.
        var detail: String
        var flag: String
        var description: String { "\(kind)/\(file)" }
    }

    struct Finding: Hashable, Sendable {
        var location: String
        var rule: String
    }

    static let kinds = ["keepalived", "iptables", "nftables"]

    static func rows(_ path: String) -> [[String]] { CorpusExpectations.rows(path) }

    static let entries: [Entry] = kinds.flatMap { kind in
        let families = Dictionary(
            rows("corpus/\(kind)/SOURCES.tsv").compactMap { row in row.count > 5 ? (row[0], row[5]) : nil },
            uniquingKeysWith: { first, _ in first })
        return rows("corpus/\(kind)/expected.tsv").compactMap { row -> Entry? in
            guard row.count == 4, let exit = Int32(row[2]) else { return nil }
            // keepalived.conf's @ID lines are read for the config id lb1, whatever the host is called.
            let flag =
                kind == "keepalived"
                ? "--config-id lb1 --keepalived"
                : kind == "nftables" ? "--nftables" : families[row[0]] == "ipv6" ? "--ip6tables" : "--iptables"
            return Entry(kind: kind, file: row[0], tool: row[1], exit: exit, detail: row[3], flag: flag)
        }
    }

    /// file → its findings, with the reason each is true.
    static let findings: [String: [Finding: String]] = {
        var out: [String: [Finding: String]] = [:]
        for kind in kinds {
            for row in rows("corpus/\(kind)/findings.tsv") where row.count == 4 {
                out["\(kind)/\(row[0])", default: [:]][Finding(location: row[1], rule: row[2])] = row[3]
            }
        }
        return out
    }()

    /// Every file in a corpus directory has its origin and its expected result, and the corpus
    /// is as large as the issue asks.
    @Test(arguments: [("keepalived", 40), ("iptables", 30), ("nftables", 10)])
    func corpusIsCompleteAndLargeEnough(_ kind: String, _ minimum: Int) throws {
        let directory = Fixtures.path("corpus/" + kind)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { !$0.hasSuffix(".tsv") && $0 != "README.md" }.sorted()
        let sources = Self.rows("corpus/\(kind)/SOURCES.tsv")
        #expect(files.count >= minimum)
        #expect(Set(sources.map { $0[0] }) == Set(files), "SOURCES.tsv names every file, and only those")
        for row in sources {
            #expect(row.count >= 4 && row[3].count == 40 && row[3].allSatisfy(\.isHexDigit), "commit of \(row[0])")
            #expect(row.count >= 2 && row[1].contains("/"), "repository of \(row[0])")
        }
        #expect(Set(Self.entries.filter { $0.kind == kind }.map(\.file)) == Set(files), "expected.tsv names every file")
        for (file, reasons) in Self.findings where file.hasPrefix(kind + "/") {
            for (finding, why) in reasons {
                #expect(why.count >= 20, "\(file) \(finding.location) \(finding.rule) says why it is true")
            }
        }
    }

    @Test(arguments: entries)
    func lintGivesTheRecordedResult(_ entry: Entry) async throws {
        let directory = Fixtures.path("corpus/" + entry.kind)
        let result = try await Processes.run(
            "/bin/sh",
            [
                "-c",
                "cd '\(directory)' && exec '\(Processes.exporterBinary)' lint \(entry.flag) '\(entry.file)' --format concise",
            ],
            timeout: 60)
        #expect([0, 1, 2].contains(result.status), "no crash: exit \(result.status)\n\(result.stderr)")
        if entry.tool == "accepts" {
            #expect(result.status != 2, "\(entry.file) is accepted by its own tool, refused by the linter: \(result.stderr)")
        }
        #expect(result.status == entry.exit, "\(result.stdout)\(result.stderr)")
        if result.status == 2 {
            let location = result.stderr.split(separator: ": ").first.map(String.init) ?? ""
            #expect(location == entry.detail, "\(result.stderr)")
            return
        }
        let found = Set(
            result.stdout.split(separator: "\n").filter { $0.contains(" [") }.compactMap { line -> Finding? in
                let words = line.split(separator: " ")
                guard words.count > 1 else { return nil }
                let location = words[0].dropLast().split(separator: ":").dropFirst().joined(separator: ":")
                return Finding(location: location, rule: String(words[1]))
            })
        let expected = Set(Self.findings[entry.description]?.keys.map { $0 } ?? [])
        for finding in found.subtracting(expected) {
            Issue.record("\(entry.file):\(finding.location) \(finding.rule) is not in findings.tsv (is it true?)")
        }
        for finding in expected.subtracting(found) {
            Issue.record("\(entry.file):\(finding.location) \(finding.rule) in findings.tsv no longer fires")
        }
    }

    /// The verdict recorded for each keepalived.conf is keepalived 2.2.7's own.
    @Test(.enabled(if: Processes.shouldRun(needing: "keepalived")), arguments: entries.filter { $0.kind == "keepalived" })
    func keepalivedGivesTheRecordedVerdict(_ entry: Entry) async throws {
        let keepalived = Processes.which("keepalived") ?? "/usr/sbin/keepalived"
        let result = try await Processes.run(
            "/bin/sh",
            ["-c", "cd '\(Fixtures.path("corpus/keepalived"))' && exec '\(keepalived)' -i lb1 -f '\(entry.file)' --config-test"])
        #expect((result.status == 0 ? "accepts" : "refuses") == entry.tool, "exit \(result.status): \(result.stderr)")
    }
}
