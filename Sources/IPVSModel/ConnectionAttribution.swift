/// Works out which configured real server each connection entry belongs to.
///
/// An entry names the packet's virtual address and port and the real server's address and
/// port after translation, not the service. The service is found the way the kernel created
/// the entry (`ip_vs_core.c`):
/// - an address service on the entry's (protocol, address, port);
/// - a port-0 persistent service on the same address (it accepts every port);
/// - a firewall-mark service of the same family holding that real server: firewall-mark
///   entries carry the packet's address, not the mark;
/// - for persistence templates, protocol `IP` means a firewall-mark template whose virtual
///   address is the mark itself; a template with virtual port 0 belongs to a port-0 service
///   or an FTP (port 21) service.
///
/// Within the service the real server is matched by address and port, then by address with
/// port 0 (a real server added without a port), then by address alone when exactly one real
/// server has it (persistent firewall-mark services do not translate ports).
public enum ConnectionAttribution {
    public static func attribute(_ counts: ConnectionCounts, to services: [VirtualService]) -> BackendConnections {
        var byAddress: [VirtualServiceID: VirtualService] = [:]
        var firewallMarkServices: [VirtualService] = []
        var byMark: [VirtualServiceID: VirtualService] = [:]
        for service in services {
            switch service.id {
            case .address: byAddress[service.id] = service
            case .firewallMark:
                firewallMarkServices.append(service)
                byMark[service.id] = service
            }
        }

        var result = BackendConnections()
        for (group, count) in counts.groups {
            let backend: BackendID
            if let matched = match(group, byAddress: byAddress, byMark: byMark, firewallMarkServices: firewallMarkServices) {
                backend = matched
            } else {
                result.unmatchedGroups += 1
                backend = fallback(group)
            }
            if group.isTemplate {
                result.templates[backend, default: 0] += count
            } else {
                result.byState[backend, default: [:]][group.state, default: 0] += count
            }
        }
        return result
    }

    static func match(
        _ group: ConnectionGroup, byAddress: [VirtualServiceID: VirtualService], byMark: [VirtualServiceID: VirtualService],
        firewallMarkServices: [VirtualService]
    ) -> BackendID? {
        let destination = group.destinationAddress
        let destinationPort = group.destinationPort
        if group.isTemplate && group.proto.number == 0 {
            guard let mark = markOfTemplate(group.virtualAddress),
                let service = byMark[.firewallMark(mark, family: group.virtualAddress.family)],
                let server = realServer(in: service, address: destination, port: destinationPort)
            else { return nil }
            return BackendID(service: service.id, address: server.address, port: server.port)
        }
        let proto = group.proto
        var candidates: [VirtualServiceID] = [.address(proto, group.virtualAddress, port: group.virtualPort)]
        if group.virtualPort != 0 {
            candidates.append(.address(proto, group.virtualAddress, port: 0))
        } else if group.isTemplate {
            candidates.append(.address(proto, group.virtualAddress, port: 21))
        }
        for id in candidates {
            if let service = byAddress[id], let server = realServer(in: service, address: destination, port: destinationPort) {
                return BackendID(service: service.id, address: server.address, port: server.port)
            }
        }
        var found: BackendID?
        for service in firewallMarkServices where service.id.family == group.virtualAddress.family {
            if let server = realServer(in: service, address: destination, port: destinationPort) {
                if found != nil { return nil }  // the same real server in two mark services: ambiguous
                found = BackendID(service: service.id, address: server.address, port: server.port)
            }
        }
        return found
    }

    static func realServer(in service: VirtualService, address: IPAddress, port: UInt16) -> RealServer? {
        if let exact = service.realServers.first(where: { $0.address == address && $0.port == port }) { return exact }
        if let portless = service.realServers.first(where: { $0.address == address && $0.port == 0 }) { return portless }
        let sameAddress = service.realServers.filter { $0.address == address }
        return sameAddress.count == 1 ? sameAddress[0] : nil
    }

    /// A firewall-mark template's virtual address is the mark: the whole IPv4 address, or the
    /// first 32 bits of the IPv6 address.
    static func markOfTemplate(_ address: IPAddress) -> UInt32? {
        switch address.family {
        case .ipv4: address.ipv4Value
        case .ipv6: UInt32(truncatingIfNeeded: address.high >> 32)
        }
    }

    static func fallback(_ group: ConnectionGroup) -> BackendID {
        if group.isTemplate && group.proto.number == 0, let mark = markOfTemplate(group.virtualAddress) {
            return BackendID(
                service: .firewallMark(mark, family: group.virtualAddress.family), address: group.destinationAddress,
                port: group.destinationPort)
        }
        return BackendID(
            service: .address(group.proto, group.virtualAddress, port: group.virtualPort), address: group.destinationAddress,
            port: group.destinationPort)
    }
}
