import Foundation
import IPVSTestSupport
import Testing

/// `.ipvs-lint.yaml`, `--baseline` and LVS902 as an operator uses them: a configuration found
/// from the working directory upward, fleet decisions applied, a baseline written and read.
@Suite(.serialized) struct LintConfigurationTests {
    static let rules = """
        -A -t 192.0.2.10:80 -s wlc
        -A -t 192.0.2.10:443 -s wlc
        -a -t 192.0.2.10:443 -r 10.0.0.11:443 -g -w 0
        -A -t 192.0.2.10:25 -s rr
        -a -t 192.0.2.10:25 -r 10.0.0.12:25 -g -w 1

        """

    /// A project directory with the rules and a subdirectory to run from.
    static func project(config: String?) throws -> String {
        let directory = try Fixtures.temporaryDirectory("lint-config")
        try FileManager.default.createDirectory(atPath: directory + "/ci", withIntermediateDirectories: true)
        try Fixtures.write(rules, to: directory + "/rules.ipvs")
        if let config { try Fixtures.write(config, to: directory + "/.ipvs-lint.yaml") }
        return directory
    }

    static func lint(in directory: String, _ arguments: [String]) async throws -> Processes.Result {
        try await Processes.run(
            "/bin/sh",
            [
                "-c", "cd '\(directory)/ci' && exec \"$0\" lint --ipvsadm ../rules.ipvs --format concise \"$@\"",
                Processes.exporterBinary,
            ] + arguments)
    }

    static func rules(_ output: String) -> [String] {
        ConciseLint.ruleIDs(output)
    }

    @Test func withoutConfigurationTheDefaultsHold() async throws {
        let directory = try Self.project(config: nil)
        let result = try await Self.lint(in: directory, [])
        // No sysctl files: the DR ARP rules (LVS701, LVS702) are skipped.
        #expect(Self.rules(result.stdout) == ["LVS206", "LVS207"], "\(result.stdout)")
        #expect(result.status == 1)
    }

    @Test func configurationFoundUpwardAppliesFleetDecisions() async throws {
        let directory = try Self.project(
            config: """
                failure-threshold: error
                rules:
                  service-without-real-servers: info
                ignore:
                  - rule: LVS207
                    object: svc=tcp/192.0.2.10:443
                    reason: drained for the migration
                """)
        let result = try await Self.lint(in: directory, ["--verbose"])
        #expect(result.stdout.contains("LVS206 [info]"), "severity override: \(result.stdout)")
        #expect(!result.stdout.contains("LVS207 ["), "ignored by object: \(result.stdout)")
        #expect(
            result.stdout.contains(
                "suppressed LVS207 at ../rules.ipvs:2:1 by \(directory)/.ipvs-lint.yaml:5:5: drained for the migration"),
            "\(result.stdout)")
        #expect(result.status == 0, "failure-threshold error, only an info finding left: \(result.stdout)")
        // The command line wins over the file.
        #expect(try await Self.lint(in: directory, ["--failure-threshold", "info"]).status == 1)
        // --no-config ignores it.
        #expect(Self.rules(try await Self.lint(in: directory, ["--no-config"]).stdout).contains("LVS207"))
    }

    /// `none` in the file never fails, like `--failure-threshold none`; the file once refused
    /// its own documented value.
    @Test func failureThresholdNoneInTheFile() async throws {
        let directory = try Self.project(config: "failure-threshold: none\n")
        let result = try await Self.lint(in: directory, [])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(Self.rules(result.stdout) == ["LVS206", "LVS207"], "findings are still reported: \(result.stdout)")
    }

    @Test func rulesTurnedOffAreSkippedAndSaySo() async throws {
        let directory = try Self.project(config: "rules:\n  LVS206: off\n  LVS207: off\n")
        let result = try await Self.lint(in: directory, ["--verbose"])
        #expect(
            !Self.rules(result.stdout).contains("LVS206") && !Self.rules(result.stdout).contains("LVS207"), "\(result.stdout)")
        #expect(
            result.stdout.contains("skipped LVS206 (service-without-real-servers): disabled at \(directory)/.ipvs-lint.yaml:2:3"),
            "\(result.stdout)")
    }

    /// Real servers get their sysctls by address range: the DR ARP rules then run, and point at
    /// the range's file.
    @Test func realServerRangesBringSysctlFiles() async throws {
        let directory = try Self.project(
            config: "real-servers:\n  - match: 10.0.0.0/24\n    sysctl: sysctl/rs.conf\n")
        try FileManager.default.createDirectory(atPath: directory + "/sysctl", withIntermediateDirectories: true)
        try Fixtures.write("net.ipv4.conf.all.arp_ignore = 1\n", to: directory + "/sysctl/rs.conf")
        let result = try await Self.lint(in: directory, [])
        #expect(Self.rules(result.stdout).contains("LVS702"), "arp_announce missing on both real servers: \(result.stdout)")
        #expect(!Self.rules(result.stdout).contains("LVS701"), "arp_ignore is set: \(result.stdout)")
    }

    /// `facts:` switches on the rules that need them: the health checker brings LVS603, the
    /// VRRP role LVS602, the kernel release LVS604; without them the same sysctls lint clean.
    @Test func factsBringTheRulesThatNeedThem() async throws {
        let sysctls = "net.ipv4.vs.backup_only = 1\nnet.ipv4.vs.conntrack = 1\n"
        let without = try Self.project(config: nil)
        try Fixtures.write(sysctls, to: without + "/director.conf")
        let plain = try await Self.lint(in: without, ["--sysctl", "../director.conf", "--verbose"])
        #expect(Set(Self.rules(plain.stdout)).isDisjoint(with: ["LVS602", "LVS603", "LVS604"]), "\(plain.stdout)")
        #expect(
            plain.stdout.contains("skipped LVS604 (conn-reuse-with-conntrack-old-kernel): needs facts.kernel"),
            "skipped rules say which fact they need: \(plain.stdout)")

        let with = try Self.project(
            config: "facts:\n  kernel: 5.4.0-150-generic\n  health-checker: keepalived\n  vrrp-role: master\n")
        try Fixtures.write(sysctls, to: with + "/director.conf")
        let result = try await Self.lint(in: with, ["--sysctl", "../director.conf"])
        #expect(Set(Self.rules(result.stdout)).isSuperset(of: ["LVS602", "LVS603", "LVS604"]), "\(result.stdout)")
        #expect(result.stdout.contains("on kernel 5.4 (before 5.9)"), "\(result.stdout)")

        let backup = try Self.project(config: "facts:\n  kernel: \"6.1\"\n  health-checker: none\n  vrrp-role: backup\n")
        try Fixtures.write(sysctls, to: backup + "/director.conf")
        let quiet = try await Self.lint(in: backup, ["--sysctl", "../director.conf"])
        #expect(
            Set(Self.rules(quiet.stdout)).isDisjoint(with: ["LVS602", "LVS603", "LVS604"]),
            "a standby, no checker, a fixed kernel: \(quiet.stdout)")
    }

    @Test func staleSuppressionsAreReported() async throws {
        let directory = try Self.project(
            config: "ignore:\n  - rule: LVS110\n    object: svc=tcp/192.0.2.99:80\n    reason: an old duplicate\n")
        try Fixtures.write(
            "# ipvs-lint: disable=LVS201 -- the port was fixed since\n" + Self.rules, to: directory + "/rules.ipvs")
        let result = try await Self.lint(in: directory, [])
        let stale = result.stdout.split(separator: "\n").filter { $0.contains("LVS902") }
        #expect(stale.count == 2, "\(result.stdout)")
        #expect(stale.contains { $0.hasPrefix("../rules.ipvs:1:1: LVS902 [info]") })
        #expect(stale.contains { $0.hasPrefix("\(directory)/.ipvs-lint.yaml:2:5: LVS902 [info]") })
    }

    @Test func baselineIsWrittenThenOnlyNewFindingsFail() async throws {
        let directory = try Self.project(config: nil)
        let baseline = directory + "/baseline.txt"
        let first = try await Self.lint(in: directory, ["--baseline", baseline])
        #expect(first.status == 0, "writing a baseline accepts everything: \(first.stderr)")
        #expect(first.stderr.contains("wrote 2 accepted findings"), "\(first.stderr)")
        let text = try String(contentsOfFile: baseline, encoding: .utf8)
        #expect(text.contains("LVS206\tsvc=tcp/192.0.2.10:80\t"))

        #expect(try await Self.lint(in: directory, ["--baseline", baseline]).status == 0)
        // A new mistake fails; the accepted ones stay quiet, whatever the line order.
        try Fixtures.write(Self.rules + "-A -t 192.0.2.10:8080 -s rr\n", to: directory + "/rules.ipvs")
        let second = try await Self.lint(in: directory, ["--baseline", baseline])
        #expect(second.status == 1)
        #expect(Self.rules(second.stdout) == ["LVS206"] && second.stdout.contains("192.0.2.10:8080"), "\(second.stdout)")
        // Fixed findings leave stale entries, reported until the baseline is updated.
        try Fixtures.write(
            "-A -t 192.0.2.10:25 -s rr\n-a -t 192.0.2.10:25 -r 10.0.0.12:25 -g -w 1\n", to: directory + "/rules.ipvs")
        let third = try await Self.lint(in: directory, ["--baseline", baseline])
        #expect(Self.rules(third.stdout) == ["LVS902", "LVS902"], "\(third.stdout)")
        #expect(try await Self.lint(in: directory, ["--baseline", baseline, "--update-baseline"]).status == 0)
        #expect(try await Self.lint(in: directory, ["--baseline", baseline]).stdout.isEmpty)
    }

    @Test(arguments: [
        ("rules:\n  LVS999: off\n", ".ipvs-lint.yaml:2:3", "a rule ID"),
        ("ignore:\n  - rule: LVS207\n    object: x\n", ".ipvs-lint.yaml:2:5", "reason"),
        ("rules: [a\n", ".ipvs-lint.yaml:2:1", "valid YAML"),
        ("failure-threshold: loud\n", ".ipvs-lint.yaml:1:20", "error, warning, info or none"),
        ("colour: always\n", ".ipvs-lint.yaml:1:1", "failure-threshold, rules, ignore, real-servers or facts"),
        ("real-servers:\n  - match: 10.0.0.0/33\n    sysctl: x\n", ".ipvs-lint.yaml:2:12", "CIDR"),
        ("facts:\n  kernel: latest\n", ".ipvs-lint.yaml:2:11", "a kernel release"),
        ("facts:\n  vrrp-role: primary\n", ".ipvs-lint.yaml:2:14", "master or backup"),
        ("facts:\n  uptime: 3\n", ".ipvs-lint.yaml:2:3", "schedulers, kernel, health-checker or vrrp-role"),
    ])
    func badConfigurationIsAnInputError(_ config: String, _ location: String, _ expected: String) async throws {
        let directory = try Self.project(config: config)
        let result = try await Self.lint(in: directory, [])
        #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.hasPrefix(directory + "/" + location + ": error: expected"), "\(result.stderr)")
        #expect(result.stderr.contains(expected), "\(result.stderr)")
    }

    @Test func aBrokenBaselineLineIsAnInputError() async throws {
        let directory = try Self.project(config: nil)
        try Fixtures.write("# header\nLVS206 without tabs\n", to: directory + "/baseline.txt")
        let result = try await Self.lint(in: directory, ["--baseline", directory + "/baseline.txt"])
        #expect(result.status == 2)
        #expect(
            result.stderr.hasPrefix(directory + "/baseline.txt:2:1: error: expected RULE<tab>OBJECT<tab>MESSAGE"),
            "\(result.stderr)")
    }
}
