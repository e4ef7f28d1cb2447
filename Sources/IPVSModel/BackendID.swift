/// A real server of a virtual service, as metric labels name it.
public struct BackendID: Hashable, Sendable, Comparable {
    public var service: VirtualServiceID
    public var address: IPAddress
    public var port: UInt16

    public init(service: VirtualServiceID, address: IPAddress, port: UInt16) {
        self.service = service
        self.address = address
        self.port = port
    }

    public static func < (lhs: BackendID, rhs: BackendID) -> Bool {
        if lhs.service != rhs.service { return lhs.service < rhs.service }
        return (lhs.address, lhs.port) < (rhs.address, rhs.port)
    }
}
