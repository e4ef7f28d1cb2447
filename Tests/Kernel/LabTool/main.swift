// ipvs-lab-netlink: what the kernel lab needs to write to IPVS that ipvsadm will not write.
//
//   ipvs-lab-netlink add-dest -t|-u|-f SERVICE -r ADDRESS:PORT -g|-m|-i [-w WEIGHT]
//   ipvs-lab-netlink udp-clients VIP:PORT COUNT SOURCE...     (see UDPClients.swift)
//
// ipvsadm replaces the port of a direct-routing or tunnelled real server with the service's
// before sending; this sends IPVS_CMD_NEW_DEST with the port as given, so the lab can hold a
// director in the state `lint --live` must catch (LVS201).
import Glibc
import IPVSKernel
import IPVSModel

func fail(_ message: String, status: Int32 = 2) -> Never {
    let line = Array("ipvs-lab-netlink: \(message)\n".utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(status)
}

/// "ADDRESS:PORT" or "[IPv6]:PORT".
func endpoint(_ text: String) -> (IPAddress, UInt16)? {
    guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]) else { return nil }
    var host = text[..<colon]
    if host.hasPrefix("["), host.hasSuffix("]") { host = host.dropFirst().dropLast() }
    guard let address = IPAddress(host) else { return nil }
    return (address, port)
}

let usage = "usage: ipvs-lab-netlink add-dest -t|-u|-f SERVICE -r ADDRESS:PORT -g|-m|-i [-w WEIGHT]"
var arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "udp-clients" {
    udpClients(Array(arguments.dropFirst()))
    exit(0)
}
guard arguments.first == "add-dest" else { fail(usage) }
arguments.removeFirst()
var service: VirtualServiceID?
var server: (IPAddress, UInt16)?
var forwarding = ForwardingMethod.directRouting
var weight: UInt32 = 1
while !arguments.isEmpty {
    let flag = arguments.removeFirst()
    switch flag {
    case "-g": forwarding = .directRouting
    case "-m": forwarding = .masquerading
    case "-i": forwarding = .tunneling
    case "-t", "-u", "-f", "-r", "-w":
        guard !arguments.isEmpty else { fail("\(flag) needs a value\n\(usage)") }
        let value = arguments.removeFirst()
        switch flag {
        case "-t", "-u":
            guard let (address, port) = endpoint(value) else { fail("\(flag) \(value): expected ADDRESS:PORT") }
            service = .address(flag == "-t" ? .tcp : .udp, address, port: port)
        case "-f":
            guard let mark = UInt32(value) else { fail("-f \(value): expected a firewall mark") }
            service = .firewallMark(mark, family: .ipv4)
        case "-r":
            guard let parsed = endpoint(value) else { fail("-r \(value): expected ADDRESS:PORT") }
            server = parsed
        default:
            guard let parsed = UInt32(value) else { fail("-w \(value): expected a weight") }
            weight = parsed
        }
    default:
        fail("unknown argument \(flag)\n\(usage)")
    }
}
guard let service, let server else { fail(usage) }
do throws(NetlinkError) {
    try IPVSNetlinkWriter().addRealServer(to: service, address: server.0, port: server.1, forwarding: forwarding, weight: weight)
} catch {
    fail("\(error)", status: 1)
}
