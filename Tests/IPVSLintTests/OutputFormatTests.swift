import Foundation
import IPVSLint
import IPVSTestSupport
import Testing

/// Every output format on one set of findings (errors, warnings, info, related locations, a
/// suppression, a file name that needs escaping), as golden files; SARIF validated against the
/// official 2.1.0 schema; JSON and XML read back by real parsers.
@Suite struct OutputFormatTests {
    /// The iptables file gets a name with every character XML, JSON, URIs and GitHub's workflow
    /// commands must escape.
    static let hostileName = "edge fw, \"v2\" <1>&:%.save"

    static func report(verbose: Bool = false, color: Bool = false, reorder: Bool = false) throws -> LintReport {
        var set = InputSet()
        var rules = try Fixtures.text("lint/formats/rules.ipvs")
        if reorder {
            // The same configuration with the services in the other order, as another ipvsadm-save might print it.
            let lines = rules.split(separator: "\n")
            rules = (lines[4...5] + lines[0...3] + lines[6...]).joined(separator: "\n") + "\n"
        }
        try set.add(SourceFile(name: "rules.ipvs", text: rules), as: .ipvsadm)
        try set.add(SourceFile(name: hostileName, text: try Fixtures.text("lint/formats/iptables.save")), as: .iptables)
        try set.add(
            SourceFile(name: "director.conf", text: try Fixtures.text("lint/formats/director.conf")), as: .sysctl(host: nil))
        return LintReport(result: set.lint(), files: set.files, version: "1.2.3", verbose: verbose, color: color)
    }

    /// Debian's python3, where make test-deps installs python3-jsonschema (a python3 earlier on
    /// PATH, such as pyenv's, may not have it).
    static let python: String? =
        FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : Processes.which("python3")

    static let goldens: [(OutputFormat, String)] = [
        (.concise, "concise.txt"), (.tty, "tty.txt"), (.json, "report.json"), (.sarif, "report.sarif"), (.github, "github.txt"),
        (.checkstyle, "checkstyle.xml"), (.junit, "junit.xml"),
    ]

    @Test(arguments: goldens) func golden(_ format: OutputFormat, _ file: String) async throws {
        try Golden.check(try Self.report().render(format), "lint/formats/\(file)")
    }

    @Test func ttyColourAndVerbose() async throws {
        let plain = try Self.report(verbose: true).render(.tty)
        #expect(plain.contains("note: skipped LVS117 (timeout-out-of-range): needs --timeouts"))
        #expect(plain.contains("note: suppressed LVS206 at rules.ipvs:8:1 by rules.ipvs:7:1: filled by the health checker"))
        #expect(!plain.contains("\u{1B}["))
        let coloured = try Self.report(color: true).render(.tty)
        #expect(coloured.contains("\u{1B}[1;31merror\u{1B}[0m"))
    }

    @Test func findingsCoverEverySeverity() async throws {
        let severities = Set(try Self.report().result.findings.map(\.severity))
        #expect(severities == [.error, .warning, .info])
    }

    /// GitHub and other SARIF consumers match results across runs by fingerprint: it must not
    /// change when the lines move.
    @Test func fingerprintsSurviveReordering() async throws {
        let before = try Self.report().result.findings
        let after = try Self.report(reorder: true).result.findings
        #expect(Set(before.map(\.fingerprint)) == Set(after.map(\.fingerprint)))
        #expect(Set(before.map(\.location.line)) != Set(after.map(\.location.line)))
        #expect(Set(before.map(\.fingerprint)).count == before.count, "two findings share a fingerprint")
    }

    @Test func sarifValidatesAgainstTheOfficialSchema() async throws {
        let python = try #require(Self.python, "python3 with jsonschema is needed (make test-deps installs python3-jsonschema)")
        let directory = try Fixtures.temporaryDirectory("sarif")
        let path = directory + "/report.sarif"
        try Fixtures.write(try Self.report().render(.sarif), to: path)
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            document = json.load(open(sys.argv[2]))
            validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
            errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
            for error in errors:
                print("/".join(map(str, error.path)), error.message)
            results = document["runs"][0]["results"]
            assert results, "no results"
            assert all(r["partialFingerprints"] for r in results)
            assert all(r["ruleId"] == document["runs"][0]["tool"]["driver"]["rules"][r["ruleIndex"]]["id"] for r in results)
            assert any(r.get("suppressions") for r in results), "the suppressed finding is missing"
            sys.exit(1 if errors else 0)
            """
        let run = try await Processes.run(python, ["-c", script, Fixtures.path("lint/sarif-schema-2.1.0.json"), path])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        // The validator can fail: a document without the required "version" must be refused.
        try Fixtures.write("{\"runs\": []}", to: path)
        let broken = try await Processes.run(python, ["-c", script, Fixtures.path("lint/sarif-schema-2.1.0.json"), path])
        #expect(broken.status != 0)
    }

    @Test func jsonReadsBack() async throws {
        let text = try Self.report().render(.json)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let findings = try #require(object["findings"] as? [[String: Any]])
        #expect(findings.count == (try Self.report().result.findings.count))
        #expect(findings.contains { ($0["message"] as? String)?.contains(Self.hostileName) == true })
    }

    @Test(arguments: [OutputFormat.checkstyle, .junit]) func xmlIsWellFormed(_ format: OutputFormat) async throws {
        let python = try #require(Self.python)
        let directory = try Fixtures.temporaryDirectory("xml")
        try Fixtures.write(try Self.report().render(format), to: directory + "/out.xml")
        let run = try await Processes.run(
            python,
            [
                "-c",
                "import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); print(len(list(r.iter('error' if r.tag == 'checkstyle' else 'failure'))))",
                directory + "/out.xml",
            ])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(Int(run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) == (try Self.report().result.findings.count))
    }

    @Test func githubEscapesProperties() async throws {
        let text = try Self.report().render(.github)
        #expect(text.contains("file=edge fw%2C \"v2\" <1>&%3A%25.save"))
        let first = try #require(text.split(separator: "\n").first)
        #expect(first.hasPrefix("::error "), "errors come first (Actions shows 10 of each kind)")
    }
}
