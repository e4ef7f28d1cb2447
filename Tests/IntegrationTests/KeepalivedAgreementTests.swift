import Foundation
import IPVSTestSupport
import Testing

/// `lint --keepalived` beside keepalived's own `--config-test` on the same files
/// (Tests/Fixtures/lint/keepalived/expected.tsv): a file keepalived rejects never lints clean,
/// and each file gives exactly the findings or the error it should.
@Suite struct KeepalivedAgreementTests {
    struct Case: CustomStringConvertible, Sendable {
        var file: String
        var keepalivedAccepts: Bool
        var exit: Int32
        /// Rule IDs for exit 1, the error's `file:line:col` for exit 2.
        var expected: Set<String>
        var description: String { file }
    }

    static let directory = Fixtures.path("lint/keepalived")

    static let cases: [Case] = {
        guard let text = try? Fixtures.text("lint/keepalived/expected.tsv") else { return [] }
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { line in
            let fields = line.split(separator: "\t").map(String.init)
            guard fields.count == 4, let exit = Int32(fields[2]) else { return nil }
            return Case(
                file: fields[0], keepalivedAccepts: fields[1] == "accepts", exit: exit,
                expected: fields[3] == "-" ? [] : Set(fields[3].split(separator: ",").map(String.init)))
        }
    }()

    @Test func atLeastTenFiles() async {
        #expect(Self.cases.count >= 10)
        #expect(Self.cases.contains { $0.keepalivedAccepts } && Self.cases.contains { !$0.keepalivedAccepts })
    }

    @Test(.enabled(if: Processes.shouldRun(needing: "keepalived")), arguments: cases)
    func keepalivedGivesTheRecordedVerdict(_ testCase: Case) async throws {
        let keepalived = Processes.which("keepalived") ?? "/usr/sbin/keepalived"
        let result = try await Processes.run(keepalived, ["-f", Self.directory + "/" + testCase.file, "--config-test"])
        #expect(
            (result.status == 0) == testCase.keepalivedAccepts,
            "keepalived --config-test exit \(result.status): \(result.stderr)\(result.stdout)")
    }

    @Test(arguments: cases)
    func linterAgrees(_ testCase: Case) async throws {
        // Run from the fixture directory so the includes and messages use relative paths.
        let result = try await Processes.run(
            "/bin/sh",
            [
                "-c",
                "cd '\(Self.directory)' && exec '\(Processes.exporterBinary)' lint --keepalived '\(testCase.file)' --format concise",
            ])
        if !testCase.keepalivedAccepts {
            #expect(result.status != 0, "keepalived rejects \(testCase.file), the linter passed it")
        }
        #expect(result.status == testCase.exit, "\(result.stdout)\(result.stderr)")
        switch testCase.exit {
        case 1:
            let rules = Set(ConciseLint.ruleIDs(result.stdout))
            #expect(rules == testCase.expected, "\(result.stdout)")
        case 2:
            let location = result.stderr.split(separator: ": ").first.map(String.init) ?? ""
            #expect(testCase.expected == [location], "\(result.stderr)")
            #expect(result.stderr.contains("expected"), "an error says what was expected: \(result.stderr)")
        default:
            #expect(result.stdout.isEmpty, "\(result.stdout)")
        }
    }

    /// Findings in an included file point into that file.
    @Test func findingsPointIntoIncludedFiles() async throws {
        let result = try await Processes.run(
            "/bin/sh",
            [
                "-c",
                "cd '\(Self.directory)' && exec '\(Processes.exporterBinary)' lint --keepalived include-main.conf --format concise",
            ])
        #expect(result.stdout.hasPrefix("conf.d/10-web.conf:14:17: LVS201"), "\(result.stdout)")
    }

    @Test func ipvsadmAndKeepalivedTogetherIsAUsageError() async throws {
        let result = try await Processes.run(
            Processes.exporterBinary, ["lint", "--keepalived", Self.directory + "/dr-correct.conf", "--ipvsadm", "/dev/null"])
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stderr.contains("give one"))
    }
}
