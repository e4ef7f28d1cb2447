import IPVSModel
import SystemSupport

/// Parses `/proc/net/ip_vs_stats`: director-wide totals and estimator rates.
///
/// Six lines (`ip_vs_stats_show()`): two header lines, the five totals in hex, an empty line,
/// a header, the five rates in hex. All values are 64-bit.
public enum GlobalStatsParser {
    public static func parse(_ bytes: [UInt8], file: String) throws(ProcParseError) -> GlobalStats {
        var cursor = LineCursor(file: file, bytes: bytes)
        try expectHeader(&cursor, startingWith: ["Total", "Incoming", "Outgoing", "Incoming", "Outgoing"])
        try expectHeader(&cursor, startingWith: ["Conns", "Packets", "Packets", "Bytes", "Bytes"])
        let totals = try hexRow(&cursor, what: "the five totals in hex")
        guard let blank = cursor.next() else {
            throw cursor.errorAtEnd("an empty line after the totals")
        }
        guard tokens(of: blank).isEmpty else { throw cursor.error("an empty line after the totals", found: blank) }
        try expectHeader(&cursor, startingWith: ["Conns/s", "Pkts/s", "Pkts/s", "Bytes/s", "Bytes/s"])
        let rates = try hexRow(&cursor, what: "the five rates in hex")
        if let extra = cursor.next(), !(extra.isEmpty && cursor.next() == nil) {
            throw cursor.error("the end of the file", found: extra)
        }
        return GlobalStats(
            counters: TrafficCounters(
                connections: totals[0], incomingPackets: totals[1], outgoingPackets: totals[2],
                incomingBytes: totals[3], outgoingBytes: totals[4]),
            rates: TrafficRates(
                connections: rates[0], incomingPackets: rates[1], outgoingPackets: rates[2],
                incomingBytes: rates[3], outgoingBytes: rates[4]))
    }

    static func expectHeader(_ cursor: inout LineCursor, startingWith words: [StaticString]) throws(ProcParseError) {
        let expected = "the header \"" + words.map { "\($0)" }.joined(separator: " ") + "\""
        guard let line = cursor.next() else { throw cursor.errorAtEnd(expected) }
        let fields = tokens(of: line)
        // The per-CPU file adds a "CPU" column in front; compare the trailing words.
        guard fields.count >= words.count else { throw cursor.error(expected, found: line) }
        for (field, word) in zip(fields.suffix(words.count), words) where !field.equals(word) {
            throw cursor.error(expected, token: field)
        }
    }

    static func hexRow(_ cursor: inout LineCursor, what: String, leading: Int = 0) throws(ProcParseError) -> [UInt64] {
        guard let line = cursor.next() else { throw cursor.errorAtEnd(what) }
        let fields = tokens(of: line)
        guard fields.count == 5 + leading else {
            throw cursor.error(what, found: line)
        }
        var values: [UInt64] = []
        for field in fields.dropFirst(leading) {
            guard let value = parseHex(field.bytes, as: UInt64.self) else {
                throw cursor.error("a hex number of at most 16 digits", token: field)
            }
            values.append(value)
        }
        return values
    }
}
