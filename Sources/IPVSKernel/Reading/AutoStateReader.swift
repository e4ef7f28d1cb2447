import IPVSModel
import Synchronization

/// `--ipvs.source=auto`: netlink when the kernel allows it, /proc otherwise.
///
/// A refusal (EPERM/EACCES: no CAP_NET_ADMIN) does not change while the process runs, so it
/// switches to /proc for good, with one warning. A missing IPVS family (the module not loaded)
/// only sends that one read to /proc: the module may be loaded later.
public final class AutoStateReader: IPVSStateReader {
    private let netlink: any IPVSStateReader
    private let procfs: any IPVSStateReader
    private let refused = Atomic<Bool>(false)
    private let onFallback: @Sendable (String) -> Void

    /// - Parameter onFallback: called once, with the reason, when netlink is refused.
    public init(netlink: any IPVSStateReader, procfs: any IPVSStateReader, onFallback: @escaping @Sendable (String) -> Void) {
        self.netlink = netlink
        self.procfs = procfs
        self.onFallback = onFallback
    }

    public var source: IPVSSource { refused.load(ordering: .relaxed) ? .procfs : .netlink }

    public func serviceTable() throws(IPVSReadError) -> ServiceTable {
        if refused.load(ordering: .relaxed) { return try procfs.serviceTable() }
        do throws(IPVSReadError) {
            return try netlink.serviceTable()
        } catch {
            switch error {
            case .permissionDenied(let why):
                if !refused.exchange(true, ordering: .acquiringAndReleasing) { onFallback(why) }
                return try procfs.serviceTable()
            case .unavailable:
                return try procfs.serviceTable()
            default:
                throw error
            }
        }
    }

    public func timeouts() throws(IPVSReadError) -> Timeouts? {
        if refused.load(ordering: .relaxed) { return nil }
        do throws(IPVSReadError) { return try netlink.timeouts() } catch { return try handled(error) }
    }

    public func syncDaemons() throws(IPVSReadError) -> [SyncDaemon]? {
        if refused.load(ordering: .relaxed) { return nil }
        do throws(IPVSReadError) { return try netlink.syncDaemons() } catch { return try handled(error) }
    }

    private func handled<T>(_ error: IPVSReadError) throws(IPVSReadError) -> T? {
        switch error {
        case .permissionDenied(let why):
            if !refused.exchange(true, ordering: .acquiringAndReleasing) { onFallback(why) }
            return nil
        case .unavailable:
            return nil
        default:
            throw error
        }
    }
}
