import IPVSLint
import IPVSTestSupport
import Testing

/// The run policy the CLI hands to `LintSession`: which argument is a real server's sysctl
/// file, which threshold wins, and when the baseline is written instead of a report. The
/// IntegrationTests run the same through the binary; these need no process.
@Suite struct LintSessionTests {
    @Test(
        arguments: [
            ("director.conf", nil, "director.conf"), ("10.0.0.11=rs1.conf", "10.0.0.11", "rs1.conf"),
            ("web1=sysctl/a.conf", "web1", "sysctl/a.conf"), ("./a=b", nil, "./a=b"), ("/x/a=b", nil, "/x/a=b"),
            ("x/a=b", nil, "x/a=b"),
        ] as [(String, String?, String)])
    func sysctlArgumentSplitsHostFromPath(_ argument: String, _ host: String?, _ path: String) {
        let file = LintSession.SysctlFile(argument: argument)
        #expect(file.host == host)
        #expect(file.path == path)
    }

    /// One warning (LVS206, a service without real servers) and nothing more severe.
    static let warningOnly = "-A -t 10.0.0.1:81 -s rr\n"

    static func outcome(
        threshold: FailureThreshold?, configured: String?, baseline: String? = nil, update: Bool = false
    ) throws -> LintSession.Outcome {
        let directory = try Fixtures.temporaryDirectory("lint-session")
        try Fixtures.write(warningOnly, to: directory + "/rules.ipvs")
        var configuration = LintSession.ConfigurationSource.ignored
        if let configured {
            try Fixtures.write("failure-threshold: \(configured)\n", to: directory + "/lint.yaml")
            configuration = .file(directory + "/lint.yaml")
        }
        let options = LintSession.Options(
            ipvsadm: directory + "/rules.ipvs", failureThreshold: threshold, configuration: configuration,
            baseline: baseline.map { directory + "/" + $0 }, updateBaseline: update)
        return try LintSession(options: options) { _ in }.run()
    }

    static func failed(_ outcome: LintSession.Outcome) -> Bool? {
        if case .linted(let result, _, let failed) = outcome {
            #expect(result.findings.map(\.ruleID) == ["LVS206"])
            return failed
        }
        return nil
    }

    @Test func theCommandLineWinsOverTheConfigurationWhichWinsOverWarning() async throws {
        #expect(Self.failed(try Self.outcome(threshold: nil, configured: nil)) == true)
        #expect(Self.failed(try Self.outcome(threshold: nil, configured: "error")) == false)
        #expect(Self.failed(try Self.outcome(threshold: .warning, configured: "none")) == true)
        #expect(Self.failed(try Self.outcome(threshold: FailureThreshold.none, configured: "info")) == false)
        #expect(Self.failed(try Self.outcome(threshold: .error, configured: nil)) == false)
    }

    @Test func aMissingBaselineIsWrittenInsteadOfAReport() async throws {
        guard
            case .wroteBaseline(let path, let accepted) = try Self.outcome(threshold: nil, configured: nil, baseline: "base.txt")
        else {
            Issue.record("expected the baseline to be written")
            return
        }
        #expect(path.hasSuffix("/base.txt"))
        #expect(accepted == 1)
    }

    @Test func anUnreadableInputIsAFailureThatSaysWhere() async throws {
        let options = LintSession.Options(ipvsadm: "/nonexistent/rules.ipvs", configuration: .ignored)
        #expect(throws: LintSession.Failure.self) { try LintSession(options: options) { _ in }.run() }
        do {
            _ = try LintSession(options: options) { _ in }.run()
        } catch {
            #expect(error.description == "/nonexistent/rules.ipvs: no such file")
        }
    }
}
