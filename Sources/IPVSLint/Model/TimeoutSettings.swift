/// The tcp, tcpfin and udp timeouts, from `ipvsadm -L --timeout` or `--timeouts TCP,TCPFIN,UDP`.
public struct TimeoutSettings: Sendable, Hashable {
    public var tcp: Located<Int64>
    public var tcpFin: Located<Int64>
    public var udp: Located<Int64>
}
