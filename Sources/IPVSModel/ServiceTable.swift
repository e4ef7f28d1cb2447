/// Everything the service table gives in one read: services with their real servers, and
/// the header facts.
public struct ServiceTable: Hashable, Sendable {
    public var info: IPVSInfo
    public var services: [VirtualService]
    /// Which interface this table was read through.
    public var source: IPVSSource

    public init(info: IPVSInfo, services: [VirtualService], source: IPVSSource = .procfs) {
        self.info = info
        self.services = services
        self.source = source
    }
}
