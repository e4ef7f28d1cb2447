import IPVSModel

/// The fast path of ``ConnectionTableParser``: a line in the exact layout the kernel prints
/// for TCP, UDP and template (`IP`) entries, read at fixed offsets.
///
/// `ip_vs_conn_seq_show` prints `%-3s %08X %04X %08X %04X %08X %04X %-11s %7u` for IPv4 and
/// the same with `%pI6` (39 characters, lowercase) for IPv6 addresses, so every field of
/// such a line starts at a known column. Reading it there, eight hex digits at a time
/// (SWAR: one 64-bit load and a few arithmetic steps per field), costs a small fraction of
/// splitting the line at spaces byte by byte, and a table of a million entries is read near
/// the speed of `wc -l`.
///
/// Every byte the general parser would check is checked here too (hex digits, separators,
/// the decimal expiry): a line that deviates in any way, including SCTP (`%-3s` holds its
/// four letters and its state names are longer), persistence-engine data, mixed families,
/// lowercase IPv4 hex or an expiry past nine digits, is handed back to the general parser,
/// which accepts it or names its line and column.
enum ConnectionLineLayout {
    /// The fields of one line, compact enough to count a million of them without allocating.
    struct Fields {
        var proto: UInt8
        var isIPv6: Bool
        var clientPort: UInt16
        var virtualPort: UInt16
        var destinationPort: UInt16
        var virtualHigh: UInt64
        var virtualLow: UInt64
        var destinationHigh: UInt64
        var destinationLow: UInt64
        /// The state column as printed, padded with spaces to 11 characters: bytes 0–7 and 7–10
        /// (overlapping), so that a state is compared as two integers.
        var statePrefix: UInt64
        var stateSuffix: UInt32
    }

    /// Column offsets of one family's layout.
    private struct Columns {
        let client = 4
        let clientPort: Int
        let virtual: Int
        let virtualPort: Int
        let destination: Int
        let destinationPort: Int
        let state: Int
        let expires: Int
        /// The shortest line: `%7u` pads the expiry to seven characters.
        let minimumLength: Int

        /// Columns for addresses `width` characters wide (plain arithmetic, folded where it is
        /// used: a `static let` would cost a lazy-initialisation check on every line).
        @inline(__always)
        init(address width: Int) {
            clientPort = client + width + 1
            virtual = clientPort + 5
            virtualPort = virtual + width + 1
            destination = virtualPort + 5
            destinationPort = destination + width + 1
            state = destinationPort + 5
            expires = state + 12
            minimumLength = expires + 7
        }
    }

    /// The fields of a line of `count` bytes at `line` (without its newline), or nil when the
    /// line is not in the fixed layout.
    @inline(__always)
    static func read(_ line: UnsafeRawPointer, count: Int) -> Fields? {
        guard count >= Columns(address: 8).minimumLength else { return nil }
        let proto: UInt8
        switch load32(line, 0) {
        case 0x2050_4354: proto = 6  // "TCP "
        case 0x2050_4455: proto = 17  // "UDP "
        case 0x2020_5049: proto = 0  // "IP  "
        default: return nil
        }
        // IPv4 has a space after the eighth hex digit of the client, IPv6 a colon after the fourth.
        let isIPv6 = line.load(fromByteOffset: 8, as: UInt8.self) == colon
        let columns = Columns(address: isIPv6 ? 39 : 8)
        guard count >= columns.minimumLength,
            line.load(fromByteOffset: columns.clientPort - 1, as: UInt8.self) == space,
            line.load(fromByteOffset: columns.virtual - 1, as: UInt8.self) == space,
            line.load(fromByteOffset: columns.virtualPort - 1, as: UInt8.self) == space,
            line.load(fromByteOffset: columns.destination - 1, as: UInt8.self) == space,
            line.load(fromByteOffset: columns.destinationPort - 1, as: UInt8.self) == space,
            line.load(fromByteOffset: columns.state - 1, as: UInt8.self) == space,
            line.load(fromByteOffset: columns.expires - 1, as: UInt8.self) == space,
            let clientPort = hex4(line, columns.clientPort),
            let virtualPort = hex4(line, columns.virtualPort),
            let destinationPort = hex4(line, columns.destinationPort),
            expiresIsDecimal(line, from: columns.expires, to: count)
        else { return nil }
        var fields = Fields(
            proto: proto, isIPv6: isIPv6, clientPort: clientPort, virtualPort: virtualPort, destinationPort: destinationPort,
            virtualHigh: 0, virtualLow: 0, destinationHigh: 0, destinationLow: 0,
            statePrefix: load64(line, columns.state), stateSuffix: load32(line, columns.state + 7))
        if isIPv6 {
            guard ipv6Address(line, columns.client) != nil,
                let virtual = ipv6Address(line, columns.virtual),
                let destination = ipv6Address(line, columns.destination)
            else { return nil }
            (fields.virtualHigh, fields.virtualLow) = virtual
            (fields.destinationHigh, fields.destinationLow) = destination
        } else {
            // The kernel prints IPv4 in uppercase: lowercase goes to the general parser.
            guard hex8(load64(line, columns.client), uppercaseOnly: true) != nil,
                let virtual = hex8(load64(line, columns.virtual), uppercaseOnly: true),
                let destination = hex8(load64(line, columns.destination), uppercaseOnly: true)
            else { return nil }
            fields.virtualLow = UInt64(virtual)
            fields.destinationLow = UInt64(destination)
        }
        return fields
    }

    /// The state's name: the 11-character column without its padding, when it is a name the
    /// general parser would read the same way (non-empty, no inner space).
    static func stateName(prefix: UInt64, suffix: UInt32) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(11)
        for index in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: prefix >> (8 * UInt64(index)))) }
        for index in 1..<4 { bytes.append(UInt8(truncatingIfNeeded: suffix >> (8 * UInt32(index)))) }
        while bytes.last == space { bytes.removeLast() }
        guard !bytes.isEmpty, !bytes.contains(space), !bytes.contains(tab) else { return nil }
        return bytes
    }

    // MARK: - Fields

    private static let space = UInt8(ascii: " ")
    private static let tab = UInt8(ascii: "\t")
    private static let colon = UInt8(ascii: ":")

    @inline(__always)
    private static func load64(_ line: UnsafeRawPointer, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: line.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    @inline(__always)
    private static func load32(_ line: UnsafeRawPointer, _ offset: Int) -> UInt32 {
        UInt32(littleEndian: line.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    /// Four hex digits (either case), as a port or an IPv6 group.
    @inline(__always)
    private static func hex4(_ line: UnsafeRawPointer, _ offset: Int) -> UInt16? {
        // The four digits ahead of "0000", which always decode: the value lands in the high half.
        let digits = UInt64(load32(line, offset)) | 0x3030_3030_0000_0000
        return hex8(digits, uppercaseOnly: false).map { UInt16(truncatingIfNeeded: $0 >> 16) }
    }

    /// Eight ASCII hex digits, the first in the lowest byte of `text`, as their value; nil
    /// when any byte is not a hex digit. Each test runs on all eight bytes at once: a byte
    /// below 0x80 plus (0x80 - bound) sets its top bit exactly when it is at least `bound`.
    @inline(__always)
    static func hex8(_ text: UInt64, uppercaseOnly: Bool) -> UInt32? {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let tops: UInt64 = 0x8080_8080_8080_8080
        guard text & tops == 0 else { return nil }
        let digit = (text &+ ones &* 0x50) & ~(text &+ ones &* 0x46) & tops  // 0x30...0x39
        let letters = uppercaseOnly ? text : text | ones &* 0x20  // fold a-f onto A-F's test
        let base: UInt64 = uppercaseOnly ? 0x3F : 0x1F  // from "A" (0x41) or "a" (0x61)
        let letter = (letters &+ ones &* base) & ~(letters &+ ones &* (base - 6)) & tops
        guard digit | letter == tops else { return nil }
        // A letter's low nibble is 1...6: add 9 for 10...15.
        let nibbles = (text & (ones &* 0x0F)) &+ (letter >> 7) &* 9
        // Pack the eight nibbles, first digit most significant: pairs, then quads, then halves.
        let bytes = ((nibbles << 4) | (nibbles >> 8)) & 0x00FF_00FF_00FF_00FF
        let words = ((bytes << 8) | (bytes >> 16)) & 0x0000_FFFF_0000_FFFF
        return UInt32(truncatingIfNeeded: (words << 16) | (words >> 32))
    }

    /// A `%pI6` address: eight groups of four hex digits joined by colons.
    @inline(__always)
    private static func ipv6Address(_ line: UnsafeRawPointer, _ offset: Int) -> (UInt64, UInt64)? {
        var high: UInt64 = 0
        var low: UInt64 = 0
        for group in 0..<8 {
            let at = offset + 5 * group
            if group < 7 && line.load(fromByteOffset: at + 4, as: UInt8.self) != colon { return nil }
            guard let value = hex4(line, at) else { return nil }
            if group < 4 { high = high << 16 | UInt64(value) } else { low = low << 16 | UInt64(value) }
        }
        return (high, low)
    }

    /// `%7u`: spaces, then one to nine digits, to the end of the line. Ten digits may overflow
    /// 32 bits, and anything after the digits is persistence-engine data: the general parser
    /// reads both.
    @inline(__always)
    private static func expiresIsDecimal(_ line: UnsafeRawPointer, from start: Int, to end: Int) -> Bool {
        if end - start == 7 {
            // The usual width: the separator and the seven characters in one load.
            return paddedDigits(load64(line, start - 1))
        }
        var index = start
        while index < end && line.load(fromByteOffset: index, as: UInt8.self) == space { index += 1 }
        let digits = end - index
        guard digits >= 1 && digits <= 9 else { return false }
        while index < end {
            let byte = line.load(fromByteOffset: index, as: UInt8.self)
            guard byte >= 0x30 && byte <= 0x39 else { return false }
            index += 1
        }
        return true
    }

    /// Eight bytes (the first in the lowest) that are spaces followed by at least one digit.
    @inline(__always)
    static func paddedDigits(_ text: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let tops: UInt64 = 0x8080_8080_8080_8080
        guard text & tops == 0 else { return false }
        let digit = (text &+ ones &* 0x50) & ~(text &+ ones &* 0x46) & tops
        // A space is the only byte with no bit set but 0x20.
        let spaces = ~((text ^ ones &* 0x20) &+ ones &* 0x7F) & tops
        // Every byte is one or the other, the last is a digit, and no space follows a digit.
        let digitBytes = (digit >> 7) &* 0xFF
        return digit | spaces == tops && digit >> 63 == 1 && (digitBytes << 8) & ~digitBytes == 0
    }
}
