import IPVSModel

/// A real server address the kernel refuses: unspecified, broadcast, multicast, IPv6
/// link-local. Docs: lint-rules/LVS114.md
struct RealServerAddressInvalid: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS114", name: "real-server-address-invalid", severity: .error, inputs: [.ipvsadm],
        summary: "The real server address is not a unicast address")

    func check(_ inputs: LintInputs, into report: inout Report) {
        for (service, server) in inputs.realServers {
            guard let address = server.address.address, let why = Self.problem(address) else { continue }
            report.add(
                "real server \(server.addressText) in \(service.identity) is \(why); the kernel answers EINVAL",
                at: server.addressLocation, object: "rs=\(service.identity.objectKey.dropFirst(4))/\(server.addressText)")
        }
    }

    static func problem(_ address: IPAddress) -> String? {
        switch address.family {
        case .ipv4:
            let value = address.ipv4Value
            if value == 0 { return "the unspecified address" }
            if value == UInt32.max { return "the broadcast address" }
            if value >> 28 == 0xE { return "a multicast address" }
        case .ipv6:
            if address.high == 0 && address.low == 0 { return "the unspecified address" }
            if address.high >> 56 == 0xFF { return "a multicast address" }
            if address.high >> 54 == 0x3FA { return "a link-local address" }  // fe80::/10
        }
        return nil
    }
}
