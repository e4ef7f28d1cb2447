public import IPVSModel

/// One `-A` virtual service, as the restore would leave it.
public struct ServiceDefinition: Sendable, Hashable {
    public var identity: ServiceIdentity
    public var scheduler: Located<String>?
    /// `-p`: seconds; 360 when `-p` had no value.
    public var persistence: Located<Int64>?
    public var netmask: Located<NetmaskSpec>?
    public var schedulerFlags: Located<[String]>?
    public var onePacket: SourceLocation?
    public var persistenceEngine: Located<String>?
    /// A bare `ops` word, as ipvsadm before 1.26 saved one-packet scheduling.
    public var legacyOps: SourceLocation?
    public var realServers: [RealServerDefinition] = []
    /// The `-A` line.
    public var location: SourceLocation
    /// Where the service address or mark was written.
    public var identityLocation: SourceLocation
    /// What keepalived changed as it loaded this virtual_server (empty for ipvsadm input).
    public var keepalivedCorrections: [KeepalivedCorrection] = []

    /// `-s`, wlc when not given (ipvsadm's default).
    public var effectiveScheduler: Scheduler { scheduler.map { Scheduler($0.value) } ?? .default }
    public var isPersistent: Bool { persistence != nil }
}

/// A change keepalived 2.2.7 makes to a `virtual_server` as it validates it (check_data.c). Each
/// is a configuration error for `keepalived --config-test`; the running keepalived logs it and
/// loads the changed service into the kernel.
public enum KeepalivedCorrection: Sendable, Hashable {
    /// No `protocol`: the service is made UDP ("no protocol set - defaulting to UDP").
    case noProtocolMeansUDP
    /// Port 0 without `persistence_timeout`: made persistent for 360 s ("zero port only valid
    /// for persistent services - setting").
    case zeroPortMadePersistent
}
