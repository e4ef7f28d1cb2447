import Foundation
import IPVSKernel
import IPVSLint
import IPVSModel
import IPVSTestSupport
import SystemSupport
import Testing

/// `lint --live` writes the running kernel's state as ipvsadm-save would: on a real kernel's
/// netlink replies (recorded in the lab) the text equals what `ipvsadm -S -n` saved at the
/// same moment.
@Suite struct LiveDirectorTests {
    @Test func netlinkStateIsSavedAsIPVSAdmSavesIt() async throws {
        let replay = try NetlinkReplay(directory: Fixtures.path("lab/netlink/lint-inputs-main"))
        let table = try NetlinkStateReader.serviceTable(using: replay.transport)
        let saved = try Fixtures.text("lab/lint-inputs/correct/ipvsadm-save-n.txt")
        #expect(LiveDirector.ipvsadmSave(table) == saved)
    }

    /// Every recorded kernel state round-trips through the linter's own parser without error,
    /// keeping each service and real server.
    @Test(arguments: ((try? Files.list(Fixtures.path("lab/netlink"))) ?? nil) ?? [])
    func everyRecordingParses(_ capture: String) async throws {
        let replay = try NetlinkReplay(directory: Fixtures.path("lab/netlink/" + capture))
        let table = try NetlinkStateReader.serviceTable(using: replay.transport)
        var set = InputSet()
        try set.add(SourceFile(name: LiveDirector.ipvsadmName, text: LiveDirector.ipvsadmSave(table)), as: .ipvsadm)
        let services = try #require(set.inputs.ipvs).services
        #expect(services.count == table.services.count)
        #expect(services.map(\.realServers.count) == table.services.map(\.realServers.count))
    }

    @Test func sysctlsAreReadAsKeyValueLines() async throws {
        let text = LiveDirector.sysctls(procfs: Fixtures.labProc)
        #expect(text.contains("\nnet.ipv4.vs.conntrack = ") || text.hasPrefix("net.ipv4.vs.conntrack = "), "\(text.prefix(300))")
        let set = try SysctlParser.parse(SourceFile(name: LiveDirector.sysctlName, text: text), host: nil)
        #expect(set.value("net.ipv4.vs.expire_quiescent_template") != nil)
    }

    @Test func timeoutsAreWrittenAsIPVSAdmPrintsThem() async throws {
        #expect(LiveDirector.timeouts(Timeouts(tcp: 900, tcpFin: 120, udp: 300)) == "Timeout (tcp tcpfin udp): 900 120 300\n")
    }
}

/// What the kernel can schedule with: its modules, not its version.
@Suite struct KernelSchedulerTests {
    /// `--live` reads the module tree of the running release: `ip_vs_NAME` files in the
    /// distribution's ipvs directory, `extra/` and `updates/` (DKMS's subdirectory too, any
    /// compression), the built-in ones and the loaded ones; the core, the FTP helper and
    /// persistence engines are no schedulers.
    @Test func theKernelsModulesAreItsSchedulers() throws {
        let root = try Fixtures.temporaryDirectory("modules")
        let release = "6.1.0-56-amd64"
        let manager = FileManager.default
        for (directory, files) in [
            ("kernel/net/netfilter/ipvs", ["ip_vs.ko", "ip_vs_rr.ko", "ip_vs_wlc.ko.zst", "ip_vs_ftp.ko", "ip_vs_pe_sip.ko"]),
            ("extra", ["ip_vs_custom.ko.xz", "other.ko"]), ("updates/dkms", ["ip_vs_vendor.ko"]),
        ] {
            try manager.createDirectory(atPath: "\(root)/\(release)/\(directory)", withIntermediateDirectories: true)
            for file in files {
                try "".write(toFile: "\(root)/\(release)/\(directory)/\(file)", atomically: true, encoding: .utf8)
            }
        }
        try "kernel/net/netfilter/ipvs/ip_vs_sh.ko\nkernel/net/ipv4/tcp_bbr.ko\n".write(
            toFile: "\(root)/\(release)/modules.builtin", atomically: true, encoding: .utf8)
        try "ip_vs_loaded 16384 2 - Live 0x0000000000000000\nip_vs 200704 8 ip_vs_loaded, Live 0x0\n".write(
            toFile: root + "/modules", atomically: true, encoding: .utf8)
        let found = LiveDirector.loadableSchedulers(
            release: release, moduleRoots: [root + "/missing", root], loaded: root + "/modules")
        #expect(found == ["rr", "wlc", "custom", "vendor", "sh", "loaded"])
        #expect(LiveDirector.loadableSchedulers(release: "7.0.0", moduleRoots: [root]) == nil)
        #expect(LiveDirector.loadableSchedulers(release: "../\(release)", moduleRoots: [root + "/x"]) == nil)
    }

    /// Without the kernel's own list, `facts.kernel` rules out what came after that release:
    /// `mh` before 4.18, `twos` on 5.10 and older; `facts.schedulers` overrides both.
    @Test(arguments: [
        ("mh", "4.17", true), ("mh", "4.18", false), ("twos", "5.10", true), ("twos", "6.1", false),
        ("wlc", "3.10", false),
    ])
    func theKernelReleaseRulesOutNewerSchedulers(scheduler: String, kernel: String, flagged: Bool) throws {
        func lint(_ configuration: String) throws -> [String] {
            var set = InputSet()
            try set.add(
                SourceFile(
                    name: "rules", text: "-A -t 192.0.2.1:80 -s \(scheduler)\n-a -t 192.0.2.1:80 -r 10.0.0.1:80 -m -w 1\n"),
                as: .ipvsadm)
            let file = SourceFile(name: ".ipvs-lint.yaml", text: configuration)
            try set.apply(try LintConfiguration.parse(file, knownRules: RuleRegistry.id)) { _ throws(LintInputError) in file }
            return set.lint().findings.map(\.ruleID).filter { $0 == "LVS101" }
        }
        #expect(try lint("facts:\n  kernel: \"\(kernel)\"\n") == (flagged ? ["LVS101"] : []))
        #expect(try lint("facts:\n  kernel: \"\(kernel)\"\n  schedulers: [\(scheduler)]\n") == [])
    }
}
