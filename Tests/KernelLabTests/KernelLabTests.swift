import Foundation
import IPVSTestSupport
import Testing

/// The exporter against ipvsadm on a real IPVS kernel.
///
/// `make test-kernel` boots the lab VM once per scenario (Tests/Kernel/scenarios), then runs
/// these tests with IPVS_LAB_RESULTS pointing at what the VMs wrote. Every capture becomes one
/// test case; every value that differs is one issue naming metric, labels, expected and actual.
@Suite struct KernelLabTests {
    static let results = ProcessInfo.processInfo.environment["IPVS_LAB_RESULTS"]

    /// The kernel the lab booted (run-lab.sh -k; RESULTS/kernel), named in every mismatch.
    static var kernel: String {
        guard let results, let text = try? String(contentsOfFile: results + "/kernel", encoding: .utf8) else { return "6.1" }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `scenario/capture` directories of the lab run.
    static var captures: [String] {
        guard let results else { return [] }
        let manager = FileManager.default
        var out: [String] = []
        for scenario in (try? manager.contentsOfDirectory(atPath: results))?.sorted() ?? [] {
            let directory = results + "/" + scenario
            for capture in (try? manager.contentsOfDirectory(atPath: directory))?.sorted() ?? []
            where manager.fileExists(atPath: directory + "/" + capture + "/before/list.txt") {
                out.append(scenario + "/" + capture)
            }
        }
        return out
    }

    @Test(.enabled(if: results != nil), arguments: captures)
    func exporterAgreesWithIPVSAdm(_ capture: String) async throws {
        let loaded = try LabCapture(directory: Self.results! + "/" + capture, name: capture)
        for mismatch in LabComparison.compare(loaded) {
            Issue.record("[kernel \(Self.kernel)] \(mismatch)")
        }
    }

    /// The 64-bit scenario really passed 2^32 bytes, so the comparison above proved that the
    /// netlink reader does not truncate.
    @Test(.enabled(if: results != nil && captures.contains("counters-64bit/main")))
    func sixtyFourBitCountersPassedTwoToTheThirtyTwo() async throws {
        let capture = try LabCapture(directory: Self.results! + "/counters-64bit/main")
        let bytes = try #require(capture.scrapes["netlink"]?.first { $0.name == "ipvs_backend_incoming_bytes_total" }?.unsigned)
        #expect(bytes > 1 << 32)
    }

    /// `lint --live` inside the VM on each set-up of the lint-inputs scenario: the running
    /// kernel, iptables-save and /proc/sys read by the linter itself. Each broken set-up shows
    /// its finding and nothing else; the correct one nothing. The DR port typed into ipvsadm is
    /// clean live (ipvsadm rewrote it before the kernel saw it); the one the lab's netlink
    /// client put into the kernel is found.
    @Test(
        .enabled(if: results != nil),
        arguments: [
            ("correct", [String]()), ("broken-arp-sysctls", ["LVS701", "LVS702"]), ("broken-fwmark-no-mark-rule", ["LVS501"]),
            ("broken-tcpfin-longer-than-persistence", ["LVS401"]), ("broken-dr-port", []), ("broken-dr-port-kernel", ["LVS201"]),
        ])
    func liveLintFindsEachBrokenSetup(_ setup: String, _ expected: [String]) throws {
        let directory = Self.results! + "/lint-inputs/lint/" + setup
        let output = try String(contentsOfFile: directory + "/lint-live.txt", encoding: .utf8)
        let stderr = (try? String(contentsOfFile: directory + "/lint-live.stderr", encoding: .utf8)) ?? ""
        let status = try String(contentsOfFile: directory + "/lint-live.status", encoding: .utf8).trimmingCharacters(
            in: .whitespacesAndNewlines)
        let rules = Set(ConciseLint.ruleIDs(output))
        #expect(rules == Set(expected), "lint --live in the VM:\n\(output)\(stderr)")
        #expect(status == (expected.isEmpty ? "0" : "1"), "exit \(status): \(stderr)")
        #expect(
            output.split(separator: "\n").allSatisfy { $0.hasPrefix("live:") || $0.contains("sysctl-a-rs") },
            "findings point at the live inputs: \(output)")
    }

    /// `lint --live --netns` reads the namespace's firewall and sysctls, not the director's: the
    /// mark lb2's own nftables sets feeds its service (no LVS501), the drop in lb2's input chain
    /// is found (LVS510).
    @Test(.enabled(if: results != nil))
    func liveLintReadsTheNamespacesFirewall() throws {
        let directory = Self.results! + "/netns"
        let output = try String(contentsOfFile: directory + "/lint-live-netns.txt", encoding: .utf8)
        let stderr = (try? String(contentsOfFile: directory + "/lint-live-netns.stderr", encoding: .utf8)) ?? ""
        #expect(ConciseLint.ruleIDs(output) == ["LVS510"], "\(output)\(stderr)")
        #expect(output.contains("live:nft") && output.contains("UDP 10.9.0.1:53"), "\(output)")
        let status = try String(contentsOfFile: directory + "/lint-live-netns.status", encoding: .utf8)
        #expect(status.trimmingCharacters(in: .whitespacesAndNewlines) == "1", "\(stderr)")
    }

    /// Every scenario script ran and produced at least one capture, or the file its
    /// `# lab-output:` line names; or skipped (`skip_scenario` in lib.sh) where
    /// ``KernelDifferences/skipped(_:)`` lists this kernel and that scenario, and only there.
    @Test(.enabled(if: results != nil))
    func everyScenarioProducedACapture() async throws {
        let directory = Fixtures.packageRoot + "/Tests/Kernel/scenarios"
        let scripts = try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { $0.hasSuffix(".sh") }.map { String($0.dropLast(3)) }
        let captured = Set(Self.captures.map { String($0.prefix { $0 != "/" }) })
        let skippable = KernelDifferences.skipped(Self.kernel)
        #expect(Set(skippable.keys).isSubset(of: scripts), "KernelDifferences names no such scenario")
        for scenario in scripts.sorted() {
            let script = try String(contentsOfFile: directory + "/" + scenario + ".sh", encoding: .utf8)
            let skip = try? String(contentsOfFile: Self.results! + "/" + scenario + "/skipped", encoding: .utf8)
            if let skip {
                #expect(
                    skippable[scenario] != nil,
                    "[kernel \(Self.kernel)] scenario \(scenario) skipped (\(skip)), and KernelDifferences lists no such skip")
                continue
            }
            #expect(
                skippable[scenario] == nil,
                "[kernel \(Self.kernel)] scenario \(scenario) ran, though KernelDifferences says it cannot: \(skippable[scenario] ?? "")"
            )
            if let output = script.split(separator: "\n").first(where: { $0.hasPrefix("# lab-output: ") }) {
                let path = Self.results! + "/" + scenario + "/" + output.dropFirst("# lab-output: ".count)
                #expect(FileManager.default.fileExists(atPath: path), "scenario \(scenario) wrote no \(path)")
            } else {
                #expect(captured.contains(scenario), "scenario \(scenario) produced no capture")
            }
        }
    }

    /// The schedulers scenario ran a service on every scheduler the kernel has: the ones it
    /// lacked are the ones KernelDifferences lists, and every other one served traffic.
    @Test(.enabled(if: results != nil && captures.contains("schedulers/main")))
    func everySchedulerTheKernelHasRan() throws {
        let lacking = try String(contentsOfFile: Self.results! + "/schedulers/schedulers-lacking.txt", encoding: .utf8)
        #expect(
            Set(lacking.split(separator: "\n").map(String.init)) == KernelDifferences.schedulersLacking(Self.kernel),
            "[kernel \(Self.kernel)] schedulers the kernel lacks")
        let capture = try LabCapture(directory: Self.results! + "/schedulers/main")
        let served = Set(
            capture.scrapes["netlink"]?.filter { $0.name == "ipvs_service_info" }.compactMap { $0.labels["scheduler"] } ?? [])
        let all: Set = ["rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh", "twos"]
        #expect(served == all.subtracting(KernelDifferences.schedulersLacking(Self.kernel)), "[kernel \(Self.kernel)]")
    }

    /// `lint --live` knows the running kernel (scenario lint-kernel), with the kernel as the
    /// oracle: a twos service is LVS101 exactly where the schedulers scenario found no twos;
    /// each IPVS sysctl the kernel has no file for is LVS120; est_nice = 25 is LVS118 exactly
    /// where the kernel has est_nice, and the kernel refused that value itself.
    @Test(.enabled(if: results != nil))
    func liveLintKnowsTheRunningKernel() throws {
        let directory = Self.results! + "/lint-kernel/lint"
        let twos = try String(contentsOfFile: directory + "/lint-twos.txt", encoding: .utf8)
        #expect(
            ConciseLint.ruleIDs(twos).contains("LVS101") == KernelDifferences.schedulersLacking(Self.kernel).contains("twos"),
            "[kernel \(Self.kernel)] lint --live on a twos service:\n\(twos)")
        let present = Set(
            try String(contentsOfFile: directory + "/sysctls-present.txt", encoding: .utf8).split(separator: "\n").map(
                String.init))
        let output = try String(contentsOfFile: directory + "/lint-sysctls.txt", encoding: .utf8)
        let lines = output.split(separator: "\n").map(String.init)
        func flagged(_ rule: String) -> Set<String> {
            Set(
                ["run_estimation", "est_cpulist", "est_nice"].filter { name in
                    lines.contains { $0.contains(rule) && $0.contains("net.ipv4.vs.\(name) ") }
                })
        }
        #expect(
            flagged("LVS120") == Set(["run_estimation", "est_cpulist", "est_nice"]).subtracting(present),
            "[kernel \(Self.kernel)] has \(present.sorted()):\n\(output)")
        let refused = (try? String(contentsOfFile: directory + "/est-nice-25.status", encoding: .utf8))
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) == "1" }
        #expect(refused == (present.contains("est_nice") ? true : nil), "[kernel \(Self.kernel)] the kernel's own verdict")
        #expect(flagged("LVS118") == (refused == true ? ["est_nice"] : []), "[kernel \(Self.kernel)]\n\(output)")
    }

    /// nft -c -f in the lab kernel gives the verdict recorded for every ruleset of the nftables
    /// corpus (CorpusTests checks that the linter reads every one, NFTTextParserTests that it
    /// reads what nft lists of those nft loads).
    @Test(.enabled(if: results != nil))
    func nftCheckGivesTheRecordedCorpusVerdicts() throws {
        let text = try String(contentsOfFile: Self.results! + "/corpus-nftables/corpus/nft-check.tsv", encoding: .utf8)
        var verdicts: [String: (String, String)] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            verdicts[fields[0]] = (fields.count > 1 ? fields[1] : "?", fields.count > 2 ? fields[2] : "")
        }
        let expected = CorpusExpectations.rows("corpus/nftables/expected.tsv")
        let differing = KernelDifferences.nftVerdicts(Self.kernel)
        #expect(verdicts.count == expected.count, "one verdict per ruleset")
        for row in expected where row.count >= 2 {
            let (status, message) = verdicts[row[0]] ?? ("missing", "")
            let verdict = differing[row[0]]?.verdict ?? row[1]
            #expect(
                (status == "0" ? "accepts" : "refuses") == verdict,
                "[kernel \(Self.kernel)] \(row[0]): nft -c exit \(status) \(message)")
        }
        // SOURCES.tsv's nft_check column, written when the ruleset was collected (with the
        // host's 6.1 kernel), agrees.
        for row in CorpusExpectations.rows("corpus/nftables/SOURCES.tsv") where row.count > 6 {
            let accepts = differing[row[0]].map { $0.verdict == "accepts" } ?? (row[6] == "ok")
            #expect((verdicts[row[0]]?.0 == "0") == accepts, "[kernel \(Self.kernel)] \(row[0]): SOURCES.tsv says \(row[6])")
        }
    }

    /// iptables-restore --test in the lab kernel (with the ipsets each dump names) gives the
    /// verdict recorded for every dump of the firewall corpus; CorpusTests checks that the
    /// linter reads every dump the tool accepts.
    @Test(.enabled(if: results != nil))
    func iptablesRestoreGivesTheRecordedCorpusVerdicts() throws {
        let text = try String(
            contentsOfFile: Self.results! + "/corpus-firewall/corpus/iptables-restore.tsv", encoding: .utf8)
        let verdicts = Dictionary(
            text.split(separator: "\n").dropFirst().map { line in
                let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
                return (fields[0], fields.count > 2 ? (fields[1], fields[2]) : (fields.count > 1 ? fields[1] : "?", ""))
            }, uniquingKeysWith: { first, _ in first })
        let expected = CorpusExpectations.rows("corpus/iptables/expected.tsv")
        #expect(verdicts.count == expected.count, "one verdict per dump")
        for row in expected where row.count >= 2 {
            let (status, message) = verdicts[row[0]] ?? ("missing", "")
            #expect(
                (status == "0" ? "accepts" : "refuses") == row[1], "\(row[0]): iptables-restore --test exit \(status) \(message)")
        }
    }
}

/// The comparison itself, on a capture from a real lab run committed as a fixture: it agrees as
/// captured, and it fails loudly when one value is broken on purpose.
@Suite struct LabComparisonTests {
    static let fixture = Fixtures.path("lab-capture/nat-rr")

    static func copyOfFixture() throws -> String {
        let directory = try Fixtures.temporaryDirectory("lab")
        try FileManager.default.removeItem(atPath: directory)
        try FileManager.default.copyItem(atPath: fixture, toPath: directory)
        return directory
    }

    @Test func realCaptureAgrees() async throws {
        let mismatches = LabComparison.compare(try LabCapture(directory: Self.fixture))
        #expect(mismatches.isEmpty, "\(mismatches)")
    }

    @Test func brokenWeightIsReportedWithMetricLabelsExpectedAndActual() async throws {
        let directory = try Self.copyOfFixture()
        let path = directory + "/procfs.prom"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let line = try #require(
            text.split(separator: "\n").first { $0.hasPrefix("ipvs_backend_weight{") && $0.contains("172.16.2.11") })
        try Fixtures.write(text.replacingOccurrences(of: String(line), with: line.dropLast(1) + "7"), to: path)
        let mismatches = LabComparison.compare(try LabCapture(directory: directory))
        #expect(mismatches.count == 1, "\(mismatches)")
        let mismatch = try #require(mismatches.first)
        #expect(mismatch.metric == "ipvs_backend_weight")
        #expect(mismatch.labels.contains(#"remote_address="172.16.2.11""#))
        #expect(mismatch.expected == "2")
        #expect(mismatch.actual == "7")
        #expect(mismatch.description.contains("expected 2, exporter says 7"))
    }

    @Test func missingServiceIsReported() async throws {
        let directory = try Self.copyOfFixture()
        let path = directory + "/procfs.prom"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try Fixtures.write(
            text.split(separator: "\n").filter { !$0.hasPrefix("ipvs_service_info{") }.joined(separator: "\n") + "\n", to: path)
        let mismatches = LabComparison.compare(try LabCapture(directory: directory))
        #expect(mismatches.contains { $0.metric == "ipvs_service_info" && $0.actual == "absent" })
    }

    @Test func countOutsideTheBeforeAfterWindowIsReported() async throws {
        let directory = try Self.copyOfFixture()
        let path = directory + "/procfs.prom"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("ipvs_backend_connections_inactive{") })
        let broken = line.prefix { $0 != " " } + " 999"
        try Fixtures.write(text.replacingOccurrences(of: String(line), with: String(broken)), to: path)
        let mismatches = LabComparison.compare(try LabCapture(directory: directory))
        #expect(mismatches.contains { $0.metric == "ipvs_backend_connections_inactive" && $0.actual == "999" })
    }
}
