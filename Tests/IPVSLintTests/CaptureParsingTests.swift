import Foundation
import IPVSKernel
import IPVSLint
import IPVSModel
import IPVSTestSupport
import Testing

/// The parsers on real output of a real kernel and real tools (the kernel-6.1 lab captures):
/// every line read, and what was read agrees with ipvsadm's own listing of the same kernel.
@Suite struct CaptureParsingTests {
    static func file(_ capture: String) throws -> SourceFile {
        SourceFile(name: capture, text: try Fixtures.capture(capture))
    }

    static let services = ServiceNames(etcServices: (try? Fixtures.text("lint/services")) ?? "")

    @Test func ipvsadmSaveNumericAgreesWithIPVSAdmListing() async throws {
        let save = try IPVSAdmRulesParser.parse(try Self.file("ipvsadm-S-n.txt"))
        let listing = try IPVSAdmListing(parsing: try Fixtures.capture("ipvsadm-L-n.txt"))
        let text = try Fixtures.capture("ipvsadm-S-n.txt")
        #expect(save.services.count == text.split(separator: "\n").filter { $0.hasPrefix("-A ") }.count)
        #expect(save.services.flatMap(\.realServers).count == text.split(separator: "\n").filter { $0.hasPrefix("-a ") }.count)
        #expect(save.orphanRealServers.isEmpty && save.duplicateServices.isEmpty && save.duplicateRealServers.isEmpty)
        #expect(Set(save.services.map(\.identity.description)) == Set(listing.services.map(\.key)))
        for service in save.services {
            let listed = try #require(listing.service(service.identity.description), "\(service.identity)")
            #expect(service.effectiveScheduler.name == listed.scheduler, "\(service.identity)")
            #expect(service.persistence.map { Int($0.value) } == listed.persistentSeconds, "\(service.identity)")
            if service.identity.family == .ipv4, let mask = listed.mask {
                #expect(service.netmask?.value.description == mask, "\(service.identity)")
            }
            #expect((service.schedulerFlags?.value ?? []) == listed.schedulerFlags, "\(service.identity)")
            #expect(service.persistenceEngine?.value == listed.persistenceEngine, "\(service.identity)")
            #expect((service.onePacket != nil) == listed.onePacket, "\(service.identity)")
            let servers = service.realServers.map { server -> String in
                let address =
                    server.address.address.map { $0.family == .ipv6 ? "[\($0)]" : "\($0)" } ?? server.address.description
                return
                    "\(address):\(server.effectivePort?.number ?? 0) \(Self.listingWord(server.forwarding)) \(server.weightValue)"
            }
            let listedServers = listed.realServers.map { "\($0.key) \($0.columns[0]) \($0.columns[1])" }
            #expect(servers.sorted() == listedServers.sorted(), "\(service.identity)")
        }
    }

    static func listingWord(_ method: ForwardingMethod) -> String {
        switch method {
        case .masquerading: "Masq"
        case .tunneling: "Tunnel"
        case .local: "Local"
        default: "Route"
        }
    }

    /// `ipvsadm -S` without `-n` writes service names (`:http`, `:http-alt`); with the names of
    /// the lab's /etc/services they resolve to the same configuration as the numeric save.
    @Test func ipvsadmSaveWithNamesMatchesNumericSave() async throws {
        let named = try IPVSAdmRulesParser.parse(try Self.file("ipvsadm-S.txt"), serviceNames: Self.services)
        let numeric = try IPVSAdmRulesParser.parse(try Self.file("ipvsadm-S-n.txt"))
        #expect(named.services.count == numeric.services.count)
        #expect(!named.names.isEmpty, "the names should be recorded for LVS901")
        for (a, b) in zip(named.services, numeric.services) {
            #expect(a.identity.objectKey == b.identity.objectKey)
            #expect(
                a.realServers.map { "\($0.address):\($0.effectivePort?.number ?? 0)" }
                    == b.realServers.map { "\($0.address):\($0.effectivePort?.number ?? 0)" })
        }
    }

    @Test func ipvsadmSaveWithoutServiceNamesKeepsNamesUnresolved() async throws {
        let named = try IPVSAdmRulesParser.parse(try Self.file("ipvsadm-S.txt"), serviceNames: .none)
        let http = try #require(named.services.first)
        #expect(http.identity.port == .name("http", resolved: nil))
        #expect(http.identity.objectKey == "svc=tcp/10.0.0.100:http")
    }

    @Test func iptablesSaveNFT() async throws {
        let ruleset = try IPTablesSaveParser.parse(try Self.file("iptables-save.txt"), family: .ipv4)
        #expect(ruleset.legacyTablesWarning?.line == 1)
        #expect(ruleset.tables.map(\.name) == ["mangle"])
        let mangle = try #require(ruleset.table("mangle"))
        #expect(mangle.chains.map(\.name) == ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"])
        #expect(mangle.chains.allSatisfy { $0.policy == "ACCEPT" })
        let rule = try #require(mangle.rules.first)
        #expect(mangle.rules.count == 1)
        #expect(rule.location.line == 9)
        #expect(rule.chain == "PREROUTING" && rule.target == "MARK")
        #expect(rule.markOperation?.value == 1 && rule.markOperation?.mask == 0xffff_ffff)
        #expect(rule.destination?.text == "10.0.0.104/32")
        #expect(rule.proto?.name == "tcp")
        #expect(rule.destinationPorts?.contains(443) == true && rule.destinationPorts?.contains(8080) == false)
    }

    @Test func iptablesLegacySaveWithCounters() async throws {
        let ruleset = try IPTablesSaveParser.parse(try Self.file("iptables-legacy-save.txt"), family: .ipv4)
        #expect(ruleset.legacyTablesWarning == nil)
        let mangle = try #require(ruleset.table("mangle"))
        #expect(mangle.chains.count == 5)
        #expect(mangle.rules.first?.markOperation?.value == 1)
    }

    @Test func ip6tablesSave() async throws {
        let ruleset = try IPTablesSaveParser.parse(try Self.file("ip6tables-save.txt"), family: .ipv6)
        let rule = try #require(ruleset.table("mangle")?.rules.first)
        #expect(rule.markOperation?.value == 2)
        #expect(rule.destination?.networks?.first?.prefixLength == 128)
        #expect(rule.destination?.networks?.first?.address == IPAddress("fd00:100::104"))
    }

    @Test func timeoutsCapture() async throws {
        let timeouts = try TimeoutsParser.parse(try Self.file("ipvsadm-L-timeout.txt"))
        #expect([timeouts.tcp.value, timeouts.tcpFin.value, timeouts.udp.value] == [900, 120, 300])
        let set = try TimeoutsParser.parse(try Self.file("ipvsadm-L-timeout.after-set.txt"))
        #expect(set.tcp.location.line == 1)
    }

    /// The lab's `sysctl -a` dumps of the director and of real-server namespaces.
    @Test(arguments: ["correct", "broken-arp-sysctls"]) func sysctlDumps(_ setup: String) async throws {
        for name in ["sysctl-a-director.txt", "sysctl-a-rs1.txt", "sysctl-a-rs2.txt"] {
            let path = "lab/lint-inputs/\(setup)/\(name)"
            let text = try Fixtures.text(path)
            let set = try SysctlParser.parse(SourceFile(name: path, text: text), host: nil)
            #expect(set.values.count == text.split(separator: "\n").count, "\(path): every line is a key")
            #expect(set.integer("net.ipv4.conf.all.arp_ignore") != nil)
        }
    }

    /// The whole lab director linted together: the findings are a golden file, reviewed by hand
    /// (the scheduler services quiesce one server each, and use dh/lblc/lblcr on one VIP).
    @Test func labDirectorFindingsGolden() async throws {
        var set = InputSet()
        try set.add(try Self.file("ipvsadm-S-n.txt"), as: .ipvsadm)
        try set.add(try Self.file("iptables-save.txt"), as: .iptables)
        try set.add(try Self.file("ip6tables-save.txt"), as: .ip6tables)
        try set.add(try Self.file("ipvsadm-L-timeout.txt"), as: .timeouts)
        let report = LintReport(
            result: set.lint(), files: set.files, rules: RuleRegistry.all.map { $0.metadata }, version: "test")
        try Golden.check(report.render(.concise), "lint/kernel-6.1-lab.concise")
    }
}
