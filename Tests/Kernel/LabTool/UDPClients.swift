import Glibc
import IPVSModel

/// `udp-clients VIP:PORT FIRST END SOURCE...`: one datagram from each of the client endpoints
/// FIRST..<END, so that IPVS holds one UDP connection entry per client (address and port) for
/// as long as its UDP timeout. Client n is port 1024 + n % 60,000 of source address n / 60,000.
/// The lab fills /proc/net/ip_vs_conn this way in seconds; TCP would need a handshake each.
func udpClients(_ arguments: [String]) {
    let usage = "usage: ipvs-lab-netlink udp-clients VIP:PORT FIRST END SOURCE..."
    guard arguments.count >= 4, let (vip, port) = endpoint(arguments[0]), vip.family == .ipv4,
        let first = Int(arguments[1]), let end = Int(arguments[2]), first >= 0, end >= first
    else { fail(usage) }
    let ports = 60_000
    let sources = arguments.dropFirst(3).map { text -> UInt32 in
        guard let address = IPAddress(text), address.family == .ipv4 else { fail("\(text): expected an IPv4 address\n\(usage)") }
        return address.ipv4Value
    }
    guard end <= sources.count * ports else {
        fail("\(end) clients need \((end + ports - 1) / ports) source addresses (60,000 ports each)")
    }
    var destination = sockaddr_in()
    destination.sin_family = sa_family_t(AF_INET)
    destination.sin_port = port.bigEndian
    destination.sin_addr.s_addr = vip.ipv4Value.bigEndian
    let payload: [UInt8] = [0]
    for index in first..<end {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { fail("socket: \(String(cString: strerror(errno)))", status: 1) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var source = sockaddr_in()
        source.sin_family = sa_family_t(AF_INET)
        source.sin_port = UInt16(1024 + index % ports).bigEndian
        source.sin_addr.s_addr = sources[index / ports].bigEndian
        let bound = withUnsafePointer(to: &source) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { fail("bind to source \(index): \(String(cString: strerror(errno)))", status: 1) }
        let sent = withUnsafePointer(to: &destination) { address in
            address.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(fd, payload, payload.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard sent == payload.count else { fail("sendto from source \(index): \(String(cString: strerror(errno)))", status: 1) }
        close(fd)
    }
}
