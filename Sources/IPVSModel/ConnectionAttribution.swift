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
        let index = ServiceIndex(services)
        var result = BackendConnections()
        result.byState.reserveCapacity(counts.groups.count)
        for (group, count) in counts.groups {
            let backend: BackendID
            if let matched = index.match(group) {
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

/// The services by what connection entries name, with every real server's address and port in
/// one flat array: a big table has tens of thousands of groups, and matching one must neither
/// copy a service (and retain its arrays) nor allocate.
struct ServiceIndex {
    private var byAddress: [VirtualServiceID: Int] = [:]
    private var byMark: [VirtualServiceID: Int] = [:]
    private var markServices: [Int] = []
    private var ids: [VirtualServiceID] = []
    private var servers: [Range<Int>] = []
    private var endpoints: [(address: IPAddress, port: UInt16)] = []

    init(_ services: [VirtualService]) {
        ids.reserveCapacity(services.count)
        servers.reserveCapacity(services.count)
        for (position, service) in services.enumerated() {
            ids.append(service.id)
            let first = endpoints.count
            for server in service.realServers { endpoints.append((server.address, server.port)) }
            servers.append(first..<endpoints.count)
            switch service.id {
            case .address: byAddress[service.id] = position
            case .firewallMark:
                markServices.append(position)
                byMark[service.id] = position
            }
        }
    }

    func match(_ group: ConnectionGroup) -> BackendID? {
        let destination = group.destinationAddress
        let destinationPort = group.destinationPort
        if group.isTemplate && group.proto.number == 0 {
            guard let mark = ConnectionAttribution.markOfTemplate(group.virtualAddress),
                let service = byMark[.firewallMark(mark, family: group.virtualAddress.family)]
            else { return nil }
            return backend(in: service, address: destination, port: destinationPort)
        }
        let proto = group.proto
        if let service = byAddress[.address(proto, group.virtualAddress, port: group.virtualPort)],
            let found = backend(in: service, address: destination, port: destinationPort)
        {
            return found
        }
        // A port-0 service accepts every port; a template with port 0 may be an FTP service's.
        let otherPort: UInt16? = group.virtualPort != 0 ? 0 : (group.isTemplate ? 21 : nil)
        if let otherPort, let service = byAddress[.address(proto, group.virtualAddress, port: otherPort)],
            let found = backend(in: service, address: destination, port: destinationPort)
        {
            return found
        }
        var found: BackendID?
        for service in markServices where ids[service].family == group.virtualAddress.family {
            if let backend = backend(in: service, address: destination, port: destinationPort) {
                if found != nil { return nil }  // the same real server in two mark services: ambiguous
                found = backend
            }
        }
        return found
    }

    /// The real server by address and port, then by address with port 0 (added without a
    /// port), then by address alone when exactly one real server has it.
    private func backend(in service: Int, address: IPAddress, port: UInt16) -> BackendID? {
        var portless: Int?
        var sameAddress: Int?
        var sameAddressCount = 0
        for position in servers[service] where endpoints[position].address == address {
            if endpoints[position].port == port { return backendID(service, position) }
            if endpoints[position].port == 0 && portless == nil { portless = position }
            sameAddressCount += 1
            sameAddress = position
        }
        if let portless { return backendID(service, portless) }
        if sameAddressCount == 1, let sameAddress { return backendID(service, sameAddress) }
        return nil
    }

    private func backendID(_ service: Int, _ position: Int) -> BackendID {
        BackendID(service: ids[service], address: endpoints[position].address, port: endpoints[position].port)
    }
}
