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
