public import IPVSModel

/// One `-a` real server of a service, with ipvsadm's defaults filled in.
public struct RealServerDefinition: Sendable, Hashable {
    public var address: HostReference
    public var addressText: String
    /// As written; nil when `-r` had no port (ipvsadm then copies the service's).
    public var writtenPort: PortReference?
    /// The port the kernel gets: for DR and TUN on an address service ipvsadm forces the
    /// service port, whatever was written.
    public var effectivePort: PortReference?
    public var forwarding: ForwardingMethod
    public var weight: Located<Int64>?
    public var upperThreshold: Located<Int64>?
    public var lowerThreshold: Located<Int64>?
    public var tunnelType: Located<String>?
    public var tunnelPort: Located<Int64>?
    public var tunnelChecksum: Located<String>?
    /// The `-a` line.
    public var location: SourceLocation
    /// Where `-r` was written.
    public var addressLocation: SourceLocation

    /// `-w`, 1 when not given.
    public var weightValue: Int64 { weight?.value ?? 1 }

    /// A real server's identity in its service, as a dictionary key: the address and the port
    /// the kernel gets, compared as ``PortReference/Key``. Parsers find servers written twice
    /// by it.
    struct Key: Hashable {
        var address: HostReference
        var port: PortReference.Key?
    }
}
