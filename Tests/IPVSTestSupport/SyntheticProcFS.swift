import Foundation

/// Writes a procfs tree of many services in the kernel's exact /proc formats, for tests that
/// need more than the real capture has (responses larger than one chunk, many series).
public enum SyntheticProcFS {
    /// `services` TCP services on 10.x.y.z:80, each with `backends` NAT real servers on :8080.
    public static func write(services: Int, backends: Int) throws -> String {
        let root = try Fixtures.temporaryDirectory("synthetic-proc")
        try FileManager.default.createDirectory(atPath: root + "/net", withIntermediateDirectories: true)
        var text =
            "IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port Forward Weight ActiveConn InActConn\n"
        for s in 0..<services {
            text += "TCP  \(hex(0x0A00_0000 + UInt32(s) + 1, 8)):0050 wlc  \n"
            for b in 0..<backends {
                let address = 0xAC10_0000 + UInt32(s * backends + b) + 1
                text +=
                    "  -> \(hex(address, 8)):1F90      Masq    \(pad(String(1 + b % 3), 6)) \(pad(String((s + b) % 7), 10)) \(pad(String((s * b) % 97), 10))\n"
            }
        }
        try Fixtures.write(text, to: root + "/net/ip_vs")
        try Fixtures.write(
            "   Total Incoming Outgoing         Incoming         Outgoing\n   Conns  Packets  Packets            Bytes            Bytes\n       1        2        3                4                5\n\n Conns/s   Pkts/s   Pkts/s          Bytes/s          Bytes/s\n       0        0        0                0                0\n",
            to: root + "/net/ip_vs_stats")
        try Fixtures.write(
            "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n", to: root + "/net/ip_vs_conn")
        return root
    }

    static func hex(_ value: UInt32, _ width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }
}
