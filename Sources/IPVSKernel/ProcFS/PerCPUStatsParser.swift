import IPVSModel
import SystemSupport

/// Parses `/proc/net/ip_vs_stats_percpu` (`ip_vs_stats_percpu_show()`): a row per possible CPU
/// with the CPU number in hex (`%3X`), a `~` row of totals, an empty line, and the rates.
public enum PerCPUStatsParser {
    public static func parse(_ bytes: [UInt8], file: String) throws(ProcParseError) -> PerCPUStats {
        var cursor = LineCursor(file: file, bytes: bytes)
        try GlobalStatsParser.expectHeader(&cursor, startingWith: ["Total", "Incoming", "Outgoing", "Incoming", "Outgoing"])
        try GlobalStatsParser.expectHeader(&cursor, startingWith: ["CPU", "Conns", "Packets", "Packets", "Bytes", "Bytes"])
        var perCPU: [Int: TrafficCounters] = [:]
        var total: TrafficCounters?
        while total == nil {
            guard let line = cursor.next() else { throw cursor.errorAtEnd("a CPU row or the \"~\" totals row") }
            let fields = tokens(of: line)
            guard fields.count == 6 else {
                throw cursor.error("a row \"CPU CONNS INPKTS OUTPKTS INBYTES OUTBYTES\"", found: line)
            }
            var values: [UInt64] = []
            for field in fields.dropFirst() {
                guard let value = parseHex(field.bytes, as: UInt64.self) else {
                    throw cursor.error("a hex number of at most 16 digits", token: field)
                }
                values.append(value)
            }
            let counters = TrafficCounters(
                connections: values[0], incomingPackets: values[1], outgoingPackets: values[2],
                incomingBytes: values[3], outgoingBytes: values[4])
            if fields[0].equals("~") {
                total = counters
            } else {
                guard let cpu = parseHex(fields[0].bytes, as: UInt16.self) else {
                    throw cursor.error("a CPU number in hex or \"~\"", token: fields[0])
                }
                guard perCPU.updateValue(counters, forKey: Int(cpu)) == nil else {
                    throw cursor.error("each CPU once", token: fields[0])
                }
            }
        }
        guard let blank = cursor.next() else { throw cursor.errorAtEnd("an empty line after the totals") }
        guard tokens(of: blank).isEmpty else { throw cursor.error("an empty line after the totals", found: blank) }
        try GlobalStatsParser.expectHeader(&cursor, startingWith: ["Conns/s", "Pkts/s", "Pkts/s", "Bytes/s", "Bytes/s"])
        let rates = try GlobalStatsParser.hexRow(&cursor, what: "the five rates in hex")
        if let extra = cursor.next(), !(extra.isEmpty && cursor.next() == nil) {
            throw cursor.error("the end of the file", found: extra)
        }
        return PerCPUStats(
            perCPU: perCPU, total: total!,
            rates: TrafficRates(
                connections: rates[0], incomingPackets: rates[1], outgoingPackets: rates[2],
                incomingBytes: rates[3], outgoingBytes: rates[4]))
    }
}
