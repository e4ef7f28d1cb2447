import IPVSKernel
import IPVSModel
import Synchronization
import Testing

/// `--ipvs.source=auto`: netlink first; /proc for good after a refusal; /proc for one read when
/// IPVS is missing; other errors are reported, not hidden behind /proc.
@Suite struct AutoStateReaderTests {
    final class StubReader: IPVSStateReader {
        let source: IPVSSource
        let outcome: Mutex<Result<ServiceTable, IPVSReadError>>
        let calls = Atomic<Int>(0)

        init(_ source: IPVSSource, _ outcome: Result<ServiceTable, IPVSReadError>) {
            self.source = source
            self.outcome = Mutex(outcome)
        }

        func serviceTable() throws(IPVSReadError) -> ServiceTable {
            calls.add(1, ordering: .relaxed)
            return try outcome.withLock { $0 }.get()
        }

        func timeouts() throws(IPVSReadError) -> Timeouts? {
            calls.add(1, ordering: .relaxed)
            _ = try outcome.withLock { $0 }.get()
            return source == .netlink ? Timeouts(tcp: 900, tcpFin: 120, udp: 300) : nil
        }

        func syncDaemons() throws(IPVSReadError) -> [SyncDaemon]? {
            calls.add(1, ordering: .relaxed)
            _ = try outcome.withLock { $0 }.get()
            return source == .netlink ? [] : nil
        }
    }

    static func table(_ source: IPVSSource) -> ServiceTable {
        ServiceTable(info: IPVSInfo(version: 0x010201, connectionTableSize: 4096), services: [], source: source)
    }

    final class Warnings: Sendable {
        let messages = Mutex<[String]>([])
    }

    @Test func netlinkWhenItWorks() async throws {
        let reader = AutoStateReader(
            netlink: StubReader(.netlink, .success(Self.table(.netlink))),
            procfs: StubReader(.procfs, .success(Self.table(.procfs)))
        ) { _ in
            Issue.record("no fallback expected")
        }
        #expect(try reader.serviceTable().source == .netlink)
        #expect(try reader.timeouts() != nil)
        #expect(reader.source == .netlink)
    }

    @Test func refusalSwitchesToProcForGoodWithOneWarning() async throws {
        let netlink = StubReader(.netlink, .failure(.permissionDenied("EPERM")))
        let warnings = Warnings()
        let reader = AutoStateReader(netlink: netlink, procfs: StubReader(.procfs, .success(Self.table(.procfs)))) { reason in
            warnings.messages.withLock { $0.append(reason) }
        }
        for _ in 0..<5 {
            #expect(try reader.serviceTable().source == .procfs)
            #expect(try reader.timeouts() == nil)
            #expect(try reader.syncDaemons() == nil)
        }
        #expect(warnings.messages.withLock { $0 } == ["EPERM"])
        #expect(netlink.calls.load(ordering: .relaxed) == 1, "netlink is not asked again after a refusal")
        #expect(reader.source == .procfs)
    }

    @Test func missingModuleFallsBackForThatReadOnly() async throws {
        let netlink = StubReader(.netlink, .failure(.unavailable("no IPVS family")))
        let reader = AutoStateReader(netlink: netlink, procfs: StubReader(.procfs, .success(Self.table(.procfs)))) { _ in
            Issue.record("a missing module is not a refusal")
        }
        #expect(try reader.serviceTable().source == .procfs)
        netlink.outcome.withLock { $0 = .success(Self.table(.netlink)) }
        #expect(try reader.serviceTable().source == .netlink)
    }

    @Test func otherNetlinkErrorsAreReported() async {
        let reader = AutoStateReader(
            netlink: StubReader(.netlink, .failure(.netlink(.malformed("reply")))),
            procfs: StubReader(.procfs, .success(Self.table(.procfs)))
        ) { _ in }
        #expect(throws: IPVSReadError.self) { try reader.serviceTable() }
    }
}
