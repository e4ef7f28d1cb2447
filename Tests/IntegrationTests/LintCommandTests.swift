import Foundation
import IPVSTestSupport
import Testing

/// `ipvs_exporter lint` as CI runs it: real inputs captured from the kernel lab, exit codes,
/// messages on standard error, colour only on a terminal.
@Suite struct LintCommandTests {
    static func lint(_ arguments: [String], stdin: String? = nil) async throws -> Processes.Result {
        try await Processes.run(Processes.exporterBinary, ["lint"] + arguments, stdin: stdin)
    }

    struct Setup: CustomStringConvertible, Sendable {
        var name: String
        var expected: Set<String>
        var description: String { name }
    }

    /// The lab's set-ups, captured from a real kernel (Tests/Kernel/scenarios/lint-inputs.sh):
    /// each broken one must show its finding and nothing else; the correct one nothing at all.
    static let setups = [
        Setup(name: "correct", expected: []),
        Setup(name: "broken-arp-sysctls", expected: ["LVS701", "LVS702"]),
        Setup(name: "broken-fwmark-no-mark-rule", expected: ["LVS501"]),
        Setup(name: "broken-tcpfin-longer-than-persistence", expected: ["LVS401"]),
        // ipvsadm rewrote the typed port 9090 to the service's before saving: the save file is
        // clean, and only the typed rules show the mistake (dr-port-rewrite.txt, below).
        Setup(name: "broken-dr-port", expected: []),
        // The same mistake held by the kernel (written by the lab's own netlink client).
        Setup(name: "broken-dr-port-kernel", expected: ["LVS201"]),
    ]

    static func arguments(_ setup: String) -> [String] {
        let directory = Fixtures.path("lab/lint-inputs/\(setup)")
        return [
            "--ipvsadm", "\(directory)/ipvsadm-save-n.txt", "--iptables", "\(directory)/iptables-save.txt",
            "--ip6tables", "\(directory)/ip6tables-save.txt", "--sysctl", "\(directory)/sysctl-a-director.txt",
            "--sysctl", "172.16.1.11=\(directory)/sysctl-a-rs1.txt", "--sysctl", "172.16.2.11=\(directory)/sysctl-a-rs2.txt",
            "--timeouts", "\(directory)/ipvsadm-L-timeout.txt", "--format", "json",
        ]
    }

    @Test(arguments: setups) func labSetup(_ setup: Setup) async throws {
        let run = try await Self.lint(Self.arguments(setup.name))
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stderr)")
        let findings = document["findings"] as? [[String: Any]] ?? []
        #expect(Set(findings.compactMap { $0["rule"] as? String }) == setup.expected, "\(findings)")
        #expect(run.status == (setup.expected.isEmpty ? 0 : 1), "\(run.stderr)")
        // Every input was given, so only the rules that need a fact of .ipvs-lint.yaml are skipped.
        let skipped = document["skipped"] as? [[String: Any]] ?? []
        #expect(skipped.allSatisfy { ($0["reason"] as? String)?.hasPrefix("needs facts.") == true }, "\(skipped)")
    }

    /// The command the lab typed (`-r 172.16.1.11:9090 -g`), which ipvsadm accepted and rewrote.
    @Test func typedDRPortIsFlagged() async throws {
        let typed = try Fixtures.text("lab/lint-inputs/dr-port-rewrite.txt").split(separator: "\n")[0]
        let command = typed.replacingOccurrences(of: "ipvsadm ", with: "").replacingOccurrences(of: " (saved as:)", with: "")
        let rules = "-A -t 10.0.0.101:8080 -s rr\n\(command)\n"
        let run = try await Self.lint(["--ipvsadm", "-", "--format", "concise"], stdin: rules)
        #expect(run.status == 1)
        #expect(run.stdout.hasPrefix("<stdin>:2:"), "\(run.stdout)")
        #expect(run.stdout.contains("LVS201 [error] DR real server 172.16.1.11:9090 differs from the service port 8080"))
    }

    @Test func malformedInputExitsTwoWithLocation() async throws {
        let run = try await Self.lint(
            ["--ipvsadm", "-"], stdin: "-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m -w x\n")
        #expect(run.status == 2)
        #expect(run.stderr == "<stdin>:2:40: error: expected a weight (an integer), found \"x\"\n")
        #expect(run.stdout.isEmpty, "no partial report")
    }

    @Test func unreadableInputsExitTwo() async throws {
        let directory = try Fixtures.temporaryDirectory("lint")
        let missing = try await Self.lint(["--ipvsadm", directory + "/nope.ipvs"])
        #expect(missing.status == 2 && missing.stderr.contains("nope.ipvs: no such file"))
        try Data([0x2D, 0x41, 0x0A, 0xFF, 0xFE, 0x0A]).write(to: URL(fileURLWithPath: directory + "/binary"))
        let binary = try await Self.lint(["--iptables", directory + "/binary"])
        #expect(binary.status == 2)
        #expect(binary.stderr.contains("binary:2:1: error: expected UTF-8 text"), "\(binary.stderr)")
    }

    /// A capture that printed nothing (`<(ssh lb ipvsadm-save -n)` when ssh failed) must not
    /// pass CI: an ipvsadm input without a virtual service is LVS904, a warning, exit 1 at the
    /// default threshold. keepalived.conf without a virtual_server is normal (a VRRP-only part).
    @Test func emptyIPVSAdmCaptureFailsTheRunButKeepalivedDoesNot() async throws {
        let empty = try await Self.lint(["--ipvsadm", "-", "--format", "concise"], stdin: "")
        #expect(empty.status == 1, "\(empty.stdout) \(empty.stderr)")
        #expect(empty.stdout.contains("<stdin>:1:1: LVS904 [warning] <stdin> is empty"), "\(empty.stdout)")
        let comments = try await Self.lint(["--ipvsadm", "-", "--format", "concise"], stdin: "# saved by cron\n")
        #expect(comments.status == 1)
        #expect(comments.stdout.contains("LVS904 [warning] <stdin> has no -A line"), "\(comments.stdout)")
        let vrrpOnly = "vrrp_instance VI_1 {\n  state MASTER\n  interface eth0\n  virtual_router_id 51\n  priority 100\n}\n"
        let keepalived = try await Self.lint(["--keepalived", "-", "--format", "concise"], stdin: vrrpOnly)
        #expect(keepalived.status == 0, "\(keepalived.stdout) \(keepalived.stderr)")
        #expect(!keepalived.stdout.contains("LVS904"))
    }

    /// `--list-rules` is a table: every summary starts at the same column, however long a name.
    @Test func listRulesIsAligned() async throws {
        let run = try await Self.lint(["--list-rules"])
        #expect(run.status == 0)
        let lines = run.stdout.split(separator: "\n").map { Array($0.utf8) }
        #expect(lines.count > 60)
        // The offset of the fourth word (the summary): after ID, name and severity.
        let starts = Set(
            lines.map { line -> Int in
                var words = 0
                for offset in line.indices where line[offset] != 0x20 && (offset == 0 || line[offset - 1] == 0x20) {
                    words += 1
                    if words == 4 { return offset }
                }
                return -1
            })
        #expect(starts.count == 1, "summaries start at columns \(starts.sorted())")
    }

    /// A misspelt input flag is named, with or without a valid input beside it; only a command
    /// line with no input flag at all is "nothing to lint". A `--sysctl` mapping without its
    /// host or its file is a usage error (3), not a file that cannot be read (2) or a silent
    /// director file.
    @Test(arguments: [
        (["--ipvs", "rules.ipvs"], "Unknown option '--ipvs'. Did you mean '--ipvsadm'?"),
        (["--ipvs", "rules.ipvs", "--iptables", "/dev/null"], "Unknown option '--ipvs'. Did you mean '--ipvsadm'?"),
        ([], "Error: nothing to lint: give --live or at least one of --ipvsadm"),
        (["--format", "json"], "Error: nothing to lint"),
        (["--sysctl", "10.0.0.11="], "--sysctl 10.0.0.11=: no file after \"=\"; give HOST=FILE"),
        (["--sysctl", "=/dev/null"], "--sysctl =/dev/null: nothing before \"=\"; give HOST=FILE"),
        (["--explain", "LVS910"], "no rule LVS910; did you mean LVS901 (non-numeric-dump) or LVS110 (duplicate-real-server)"),
        (["--explain", "non-numeric"], "no rule non-numeric; did you mean LVS901 (non-numeric-dump)?"),
        (["--explain", "dr-tun-port-missmatch"], "no rule dr-tun-port-missmatch; did you mean LVS201 (dr-tun-port-mismatch)?"),
        (["--explain", "LVS999"], "no rule LVS999 (ipvs_exporter lint --list-rules lists them)"),
    ])
    func commandLineMistakesAreNamed(_ arguments: [String], message: String) async throws {
        let run = try await Self.lint(arguments)
        #expect(run.status == 3)
        #expect(run.stderr.contains(message), "\(arguments): \(run.stderr)")
        #expect(run.stderr.contains("Usage: ipvs_exporter lint <options>"), "\(run.stderr)")
    }

    /// Two real servers sharing one sysctl file get a finding each, keyed on each; a HOST that is
    /// no real server is said (LVS905) rather than silently unused.
    @Test func sysctlHostsAreCheckedAgainstTheRealServers() async throws {
        let directory = try Fixtures.temporaryDirectory("lint-hosts")
        try Fixtures.write(
            "-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.1.1:80 -g\n-a -t 10.0.0.1:80 -r 10.0.1.2:80 -g\n",
            to: directory + "/two.ipvs")
        try Fixtures.write(
            "net.ipv4.conf.all.arp_ignore = 0\nnet.ipv4.conf.all.arp_announce = 2\n", to: directory + "/rs.conf")
        let shared = try await Self.lint([
            "--ipvsadm", directory + "/two.ipvs", "--sysctl", "10.0.1.1=" + directory + "/rs.conf", "--sysctl",
            "10.0.1.2=" + directory + "/rs.conf", "--format", "json",
        ])
        #expect(shared.stdout.contains("sysctl=10.0.1.1/arp_ignore") && shared.stdout.contains("sysctl=10.0.1.2/arp_ignore"))
        let typo = try await Self.lint([
            "--ipvsadm", directory + "/two.ipvs", "--sysctl", "10.0.1.9=" + directory + "/rs.conf", "--format", "concise",
        ])
        #expect(typo.status == 1)
        #expect(typo.stdout.contains("LVS905") && typo.stdout.contains("--sysctl 10.0.1.9="), "\(typo.stdout)")
    }

    /// keepalived real servers keep their port in findings and keys, as from ipvsadm. A
    /// baseline written before (key without the port) still matches for one release and is
    /// reported as outdated; the new key matches quietly.
    @Test func keepalivedPortsAreKeptAndOldKeysStillMatchForOneRelease() async throws {
        let directory = try Fixtures.temporaryDirectory("lint-ports")
        try Fixtures.write(
            "virtual_server 10.0.0.1 80 {\n    protocol TCP\n    lb_kind DR\n    real_server 10.0.1.1 8080 {\n    }\n}\n",
            to: directory + "/keepalived.conf")
        let plain = try await Self.lint(["--keepalived", directory + "/keepalived.conf", "--format", "json"])
        #expect(plain.stdout.contains("rs=tcp/10.0.0.1:80/10.0.1.1:8080"), "\(plain.stdout)")
        #expect(plain.stdout.contains("DR real server 10.0.1.1:8080"))
        for (key, outdated) in [("rs=tcp/10.0.0.1:80/10.0.1.1", true), ("rs=tcp/10.0.0.1:80/10.0.1.1:8080", false)] {
            try Fixtures.write("LVS201\t\(key)\taccepted\n", to: directory + "/baseline")
            let run = try await Self.lint([
                "--keepalived", directory + "/keepalived.conf", "--baseline", directory + "/baseline", "--format", "concise",
            ])
            #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
            #expect(!run.stdout.contains(": LVS201 ["), "\(run.stdout)")
            #expect(run.stdout.contains("LVS902 [info]") == outdated, "\(key): \(run.stdout)")
        }
    }

    /// Inputs given as `<(command)` are named after their kind and host, in findings and in
    /// SARIF, not after the /dev/fd number the shell happened to give them.
    @Test func pipedInputsAreNamedAfterTheirFlagAndHost() async throws {
        let command = """
            exec '\(Processes.exporterBinary)' lint \
              --ipvsadm <(printf -- '-A -t 10.0.0.1:80 -s rr\\n-a -t 10.0.0.1:80 -r 10.0.1.1:8080 -g\\n') \
              --sysctl 10.0.1.1=<(printf 'net.ipv4.conf.all.arp_ignore = 0\\n') --format
            """
        let concise = try await Processes.run("/bin/bash", ["-c", command + " concise"])
        let places = Set(concise.stdout.split(separator: "\n").map { String($0.prefix { $0 != ":" }) })
        #expect(places == ["ipvsadm-save", "sysctl@10.0.1.1"], "\(concise.stdout)\(concise.stderr)")
        let sarif = try await Processes.run("/bin/bash", ["-c", command + " sarif"])
        #expect(sarif.stdout.contains("\"uri\": \"ipvsadm-save\"") || sarif.stdout.contains("\"uri\":\"ipvsadm-save\""))
        #expect(!sarif.stdout.contains("/dev/fd/"), "\(sarif.stdout.prefix(2000))")
    }

    /// `lint --help` is wrapped once, by the argument parser at 80 columns: no line of ours is
    /// broken again (the example commands stay whole, continued with a backslash), and the
    /// failure threshold's default is said.
    @Test func helpIsWrappedOnceAndSaysTheDefaults() async throws {
        let run = try await Self.lint(["--help"])
        let lines = run.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        for line in lines where !line.contains("https://") {
            #expect(line.count <= 80, "\(line)")
        }
        let examples = lines.filter { $0.hasPrefix("  ipvs_exporter lint") }
        #expect(examples.count == 3, "\(run.stdout)")
        for (index, line) in lines.enumerated() where line.hasSuffix(" \\") {
            #expect(lines[index + 1].hasPrefix("      --"), "a continued example goes on with an option: \(lines[index + 1])")
        }
        let threshold = try #require(run.stdout.firstRange(of: "--failure-threshold"))
        #expect(run.stdout[threshold.lowerBound...].prefix(400).contains("Default: the configuration's"))
    }

    /// A file given with the wrong flag, or a listing instead of a save, is named for what it is.
    @Test(arguments: [
        ("--iptables", "-A -t 10.0.0.1:80 -s wlc\n-a -t 10.0.0.1:80 -r 10.0.1.1:80 -g -w 1\n", "give it with --ipvsadm"),
        ("--iptables", "Chain INPUT (policy ACCEPT)\ntarget     prot opt source   destination\n", "iptables -L output"),
        ("--ipvsadm", "*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n", "give it with --iptables"),
        ("--ipvsadm", "virtual_server 10.0.0.1 80 {\n}\n", "give it with --keepalived"),
        (
            "--ipvsadm", "IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n",
            "ipvsadm -L output"
        ),
        ("--keepalived", "table inet filter {\n}\n", "nft list ruleset: give it with --nftables"),
        ("--nftables", "*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n", "give it with --iptables"),
    ])
    func wrongKindOfInputIsNamed(_ flag: String, _ text: String, _ advice: String) async throws {
        let run = try await Self.lint([flag, "-"], stdin: text)
        #expect(run.status == 2)
        #expect(run.stderr.contains(advice), "\(run.stderr)")
    }

    @Test(arguments: [
        ["--ipvsadm", "x", "--format", "nope"], [], ["--explain", "LVS999"], ["--ipvsadm", "-", "--iptables", "-"], ["--bogus"],
        ["--ipvsadm", "x", "--failure-threshold", "fatal"],
    ])
    func usageErrorsExitThree(_ arguments: [String]) async throws {
        let run = try await Self.lint(arguments)
        #expect(run.status == 3, "\(arguments): \(run.stderr)")
        #expect(run.stderr.contains("Usage: ipvs_exporter lint") || run.stderr.contains("Error:"), "\(run.stderr)")
    }

    @Test func failureThreshold() async throws {
        // Only a warning (LVS206) and an info (LVS108).
        let rules = "-A -t 10.0.0.1:80 -s rr -p 60 -M 255.0.255.0\n-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m\n-A -t 10.0.0.1:81 -s rr\n"
        #expect(try await Self.lint(["--ipvsadm", "-"], stdin: rules).status == 1)
        #expect(try await Self.lint(["--ipvsadm", "-", "--failure-threshold", "error"], stdin: rules).status == 0)
        #expect(try await Self.lint(["--ipvsadm", "-", "--failure-threshold", "none"], stdin: rules).status == 0)
        let info = "-A -t 10.0.0.1:80 -s rr -p 60 -M 255.0.255.0\n-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m\n"
        #expect(try await Self.lint(["--ipvsadm", "-"], stdin: info).status == 0)
        #expect(try await Self.lint(["--ipvsadm", "-", "--failure-threshold", "info"], stdin: info).status == 1)
    }

    @Test(arguments: ["LVS201", "lvs201", "dr-tun-port-mismatch"]) func explainPrintsThePage(_ rule: String) async throws {
        let run = try await Self.lint(["--explain", rule])
        #expect(run.status == 0)
        #expect(run.stdout == (try String(contentsOfFile: Fixtures.packageRoot + "/lint-rules/LVS201.md", encoding: .utf8)))
    }

    @Test func listRules() async throws {
        let run = try await Self.lint(["--list-rules"])
        #expect(run.status == 0)
        let ids = run.stdout.split(separator: "\n").map { String($0.prefix(6)) }
        let pages = try FileManager.default.contentsOfDirectory(atPath: Fixtures.packageRoot + "/lint-rules").filter {
            $0.hasSuffix(".md")
        }
        #expect(Set(ids) == Set(pages.map { String($0.prefix(6)) }))
        #expect(ids.count >= 30)
    }

    /// Colour only on a terminal, never with NO_COLOR (no-color.org).
    @Test func colourOnlyOnATerminal() async throws {
        let script = try #require(Processes.which("script"), "util-linux script gives the linter a terminal")
        let input = Fixtures.path("lint/formats/rules.ipvs")
        // The test runner's own environment may carry NO_COLOR: set it explicitly both ways.
        let command = "env -u NO_COLOR \(Processes.exporterBinary) lint --ipvsadm \(input)"
        let piped = try await Processes.run(Processes.exporterBinary, ["lint", "--ipvsadm", input])
        #expect(!piped.stdout.contains("\u{1B}["))
        let terminal = try await Processes.run(script, ["-qec", command, "/dev/null"])
        #expect(terminal.stdout.contains("\u{1B}[1;31merror\u{1B}[0m"), "\(terminal.stdout)")
        let noColor = try await Processes.run(
            script, ["-qec", command.replacingOccurrences(of: "-u NO_COLOR", with: "NO_COLOR=1"), "/dev/null"])
        #expect(!noColor.stdout.contains("\u{1B}["), "\(noColor.stdout)")
        #expect(noColor.stdout.contains("error LVS201"))
    }
}
