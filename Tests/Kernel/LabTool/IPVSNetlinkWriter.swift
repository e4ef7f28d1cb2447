import IPVSKernel
import IPVSModel

/// Adds real servers to the kernel's IPVS table, exactly as asked.
///
/// The exporter and the linter only read; this exists for the kernel lab, which must create
/// states that ipvsadm and keepalived refuse to create. The one that matters: a direct-routing
/// (or tunnelled) real server on a port other than the service's. Both tools quietly replace
/// such a port with the service's before the kernel sees it, while the kernel itself accepts
/// any port; a director configured by another tool (or an older ipvsadm) can hold one, and
/// `lint --live` must report it.
struct IPVSNetlinkWriter {
    init() {}

    /// IPVS_CMD_NEW_DEST for `service`, with every field the kernel requires for a new entry.
    func addRealServer(
        to service: VirtualServiceID, address: IPAddress, port: UInt16, forwarding: ForwardingMethod,
        weight: UInt32, upperThreshold: UInt32 = 0, lowerThreshold: UInt32 = 0
    ) throws(NetlinkError) {
        let destination: [NetlinkRequestAttribute] = [
            .bytes(IPVSABI.DestAttribute.address, NetlinkStateReader.addressBytes(address)),
            .u16(IPVSABI.DestAttribute.addressFamily, address.family.linuxValue),
            .bytes(IPVSABI.DestAttribute.port, NetlinkStateReader.portBytes(port)),
            .u32(IPVSABI.DestAttribute.forwardingMethod, forwarding.rawValue),
            .u32(IPVSABI.DestAttribute.weight, weight),
            .u32(IPVSABI.DestAttribute.upperThreshold, upperThreshold),
            .u32(IPVSABI.DestAttribute.lowerThreshold, lowerThreshold),
        ]
        _ = try NetlinkSocket().request(
            command: IPVSABI.Command.newDest, dump: false, acknowledged: true,
            attributes: [
                .nested(IPVSABI.CommandAttribute.service, NetlinkStateReader.identity(service)),
                .nested(IPVSABI.CommandAttribute.dest, destination),
            ])
    }
}
