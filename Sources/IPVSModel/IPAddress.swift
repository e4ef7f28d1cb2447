import SystemSupport

/// An IPv4 or IPv6 address, as IPVS stores it in `union nf_inet_addr`.
///
/// Held as two integers rather than text so that the hot parsers (the connection table has
/// millions of lines) never allocate per address, and so that equality and hashing are cheap.
/// ``description`` gives the canonical text that every metric label uses: dotted quad for
/// IPv4, RFC 5952 for IPv6 (lowercase, no leading zeros, the longest run of two or more zero
/// groups compressed, the first such run on a tie).
public struct IPAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
    public enum Family: UInt8, Hashable, Sendable, Comparable, CustomStringConvertible {
        case ipv4 = 4
        case ipv6 = 6

        /// The Linux address family number (AF_INET, AF_INET6).
        public var linuxValue: UInt16 { self == .ipv4 ? 2 : 10 }

        public init?(linuxValue: UInt16) {
            switch linuxValue {
            case 2: self = .ipv4
            case 10: self = .ipv6
            default: return nil
            }
        }

        public var description: String { self == .ipv4 ? "IPv4" : "IPv6" }

        public static func < (lhs: Family, rhs: Family) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    public let family: Family
    /// Bits 127…64 of an IPv6 address; 0 for IPv4.
    public let high: UInt64
    /// Bits 63…0 of an IPv6 address, or the IPv4 address in its low 32 bits.
    public let low: UInt64

    /// An IPv4 address from its host-order value (10.0.0.1 is `0x0A000001`).
    public init(ipv4 value: UInt32) {
        family = .ipv4
        high = 0
        low = UInt64(value)
    }

    /// An IPv6 address from its two 64-bit halves, most significant first.
    public init(ipv6High high: UInt64, low: UInt64) {
        family = .ipv6
        self.high = high
        self.low = low
    }

    /// The wildcard address of a family: `0.0.0.0` or `::`.
    public static func unspecified(_ family: Family) -> IPAddress {
        family == .ipv4 ? IPAddress(ipv4: 0) : IPAddress(ipv6High: 0, low: 0)
    }

    /// The IPv4 value in host order; meaningful only when `family == .ipv4`.
    public var ipv4Value: UInt32 { UInt32(truncatingIfNeeded: low) }

    /// The address in network byte order: 4 bytes for IPv4, 16 for IPv6.
    public var bytes: [UInt8] {
        switch family {
        case .ipv4:
            let v = ipv4Value
            return [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
        case .ipv6:
            var out: [UInt8] = []
            out.reserveCapacity(16)
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8((high >> UInt64(shift)) & 0xFF)) }
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8((low >> UInt64(shift)) & 0xFF)) }
            return out
        }
    }

    /// Builds an address from network-order bytes: 4 bytes give IPv4, 16 give IPv6.
    public init?(bytes: some Collection<UInt8>) {
        switch bytes.count {
        case 4:
            var v: UInt32 = 0
            for b in bytes { v = v << 8 | UInt32(b) }
            self.init(ipv4: v)
        case 16:
            var h: UInt64 = 0
            var l: UInt64 = 0
            for (i, b) in bytes.enumerated() {
                if i < 8 { h = h << 8 | UInt64(b) } else { l = l << 8 | UInt64(b) }
            }
            self.init(ipv6High: h, low: l)
        default:
            return nil
        }
    }

    /// The eight 16-bit groups of an IPv6 address.
    var groups: [UInt16] {
        var out: [UInt16] = []
        out.reserveCapacity(8)
        for shift in stride(from: 48, through: 0, by: -16) { out.append(UInt16((high >> UInt64(shift)) & 0xFFFF)) }
        for shift in stride(from: 48, through: 0, by: -16) { out.append(UInt16((low >> UInt64(shift)) & 0xFFFF)) }
        return out
    }

    public var description: String {
        switch family {
        case .ipv4:
            let v = ipv4Value
            return "\(v >> 24).\((v >> 16) & 0xFF).\((v >> 8) & 0xFF).\(v & 0xFF)"
        case .ipv6:
            return Self.formatIPv6(groups)
        }
    }

    /// Appends the canonical text (the same as ``description``) without building a String:
    /// label rendering does this for every real server of every scrape.
    public func appendText(to out: inout [UInt8]) {
        switch family {
        case .ipv4:
            let v = ipv4Value
            appendDecimal(v >> 24, to: &out)
            out.append(UInt8(ascii: "."))
            appendDecimal((v >> 16) & 0xFF, to: &out)
            out.append(UInt8(ascii: "."))
            appendDecimal((v >> 8) & 0xFF, to: &out)
            out.append(UInt8(ascii: "."))
            appendDecimal(v & 0xFF, to: &out)
        case .ipv6:
            out.append(contentsOf: description.utf8)
        }
    }

    private func appendDecimal(_ value: UInt32, to out: inout [UInt8]) {
        if value >= 100 { out.append(UInt8(ascii: "0") &+ UInt8(value / 100)) }
        if value >= 10 { out.append(UInt8(ascii: "0") &+ UInt8(value / 10 % 10)) }
        out.append(UInt8(ascii: "0") &+ UInt8(value % 10))
    }

    private static func formatIPv6(_ groups: [UInt16]) -> String {
        // RFC 5952 §5: IPv4-mapped addresses keep the dotted tail (::ffff:192.0.2.1), as inet_ntop does.
        if groups[0...4].allSatisfy({ $0 == 0 }) && groups[5] == 0xFFFF {
            let v4 = UInt32(groups[6]) << 16 | UInt32(groups[7])
            return "::ffff:" + IPAddress(ipv4: v4).description
        }
        // Longest run of zero groups, length >= 2; the first one wins a tie (RFC 5952 §4.2.3).
        var bestStart = -1
        var bestLength = 0
        var runStart = -1
        for i in 0...8 {
            if i < 8 && groups[i] == 0 {
                if runStart < 0 { runStart = i }
            } else if runStart >= 0 {
                let length = i - runStart
                if length > bestLength && length >= 2 {
                    bestStart = runStart
                    bestLength = length
                }
                runStart = -1
            }
        }
        func hex(_ g: UInt16) -> String { String(g, radix: 16) }
        if bestStart < 0 {
            return groups.map(hex).joined(separator: ":")
        }
        let head = groups[0..<bestStart].map(hex).joined(separator: ":")
        let tail = groups[(bestStart + bestLength)...].map(hex).joined(separator: ":")
        return head + "::" + tail
    }

    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        if lhs.family != rhs.family { return lhs.family < rhs.family }
        if lhs.high != rhs.high { return lhs.high < rhs.high }
        return lhs.low < rhs.low
    }
}

// MARK: - Parsing text

extension IPAddress {
    /// Parses dotted-quad IPv4 (`10.0.0.1`) or any RFC 4291 text form of IPv6 (`2001:db8::1`,
    /// full form, `::ffff:1.2.3.4`). Brackets, zone IDs and prefixes are not accepted here.
    public init?(_ text: some StringProtocol) {
        if text.utf8.contains(UInt8(ascii: ":")) {
            guard let value = Self.parseIPv6(Array(text.utf8)) else { return nil }
            self = value
        } else {
            guard let v = Self.parseIPv4(text.utf8) else { return nil }
            self.init(ipv4: v)
        }
    }

    static func parseIPv4(_ bytes: some Collection<UInt8>) -> UInt32? {
        var value: UInt32 = 0
        var octets = 0
        var current: UInt32 = 0
        var digits = 0
        for b in bytes {
            if b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") {
                // A leading zero is refused: inet_pton does, and "010" is octal to inet_aton.
                if digits == 1 && current == 0 { return nil }
                current = current * 10 + UInt32(b - UInt8(ascii: "0"))
                digits += 1
                if current > 255 || digits > 3 { return nil }
            } else if b == UInt8(ascii: ".") {
                guard digits > 0, octets < 3 else { return nil }
                value = value << 8 | current
                octets += 1
                current = 0
                digits = 0
            } else {
                return nil
            }
        }
        guard digits > 0, octets == 3 else { return nil }
        return value << 8 | current
    }

    static func parseIPv6(_ bytes: [UInt8]) -> IPAddress? {
        var head: [UInt16] = []
        var tail: [UInt16] = []
        var sawDoubleColon = false
        var i = 0
        let n = bytes.count
        guard n >= 2 else { return nil }
        if bytes[0] == UInt8(ascii: ":") {
            guard bytes[1] == UInt8(ascii: ":") else { return nil }
            sawDoubleColon = true
            i = 2
            if i == n { return IPAddress(ipv6High: 0, low: 0) }
        }
        while i < n {
            // Embedded IPv4 tail: the rest contains a dot.
            if !bytes[i...].contains(UInt8(ascii: ":")) && bytes[i...].contains(UInt8(ascii: ".")) {
                guard let v4 = parseIPv4(Array(bytes[i...])) else { return nil }
                let parts: [UInt16] = [UInt16(v4 >> 16), UInt16(v4 & 0xFFFF)]
                if sawDoubleColon { tail += parts } else { head += parts }
                i = n
                break
            }
            var group: UInt32 = 0
            var digits = 0
            while i < n, let d = hexValue(bytes[i]) {
                group = group << 4 | UInt32(d)
                digits += 1
                i += 1
                if digits > 4 { return nil }
            }
            guard digits > 0 else { return nil }
            if sawDoubleColon { tail.append(UInt16(group)) } else { head.append(UInt16(group)) }
            if i == n { break }
            guard bytes[i] == UInt8(ascii: ":") else { return nil }
            i += 1
            if i < n && bytes[i] == UInt8(ascii: ":") {
                guard !sawDoubleColon else { return nil }
                sawDoubleColon = true
                i += 1
                if i == n { break }
            } else if i == n {
                return nil  // trailing single colon
            }
        }
        let count = head.count + tail.count
        if sawDoubleColon {
            guard count <= 7 else { return nil }
        } else {
            guard count == 8 else { return nil }
        }
        let groups = head + [UInt16](repeating: 0, count: 8 - count) + tail
        var h: UInt64 = 0
        var l: UInt64 = 0
        for (index, g) in groups.enumerated() {
            if index < 4 { h = h << 16 | UInt64(g) } else { l = l << 16 | UInt64(g) }
        }
        return IPAddress(ipv6High: h, low: l)
    }
}
