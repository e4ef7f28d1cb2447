/// Numbers written as bytes, parsed without building a String: the kernel's /proc files, the
/// process's own /proc/self files and the linter's inputs all spell numbers this way.
///
/// Inlinable, so that the parsers of large files (the connection table) get them specialised
/// for their integer type instead of calling a generic across the module boundary.

/// Parses fixed or variable-width uppercase/lowercase hex without a prefix; nil on any other
/// byte, on emptiness or on overflow of `T`.
@inlinable
public func parseHex<T: FixedWidthInteger & UnsignedInteger>(_ bytes: ArraySlice<UInt8>, as: T.Type = T.self) -> T? {
    guard !bytes.isEmpty, bytes.count <= T.bitWidth / 4 else { return nil }
    var value: T = 0
    for b in bytes {
        guard let d = hexValue(b) else { return nil }
        value = value << 4 | T(d)
    }
    return value
}

/// Parses an optionally negative decimal integer that must fit `T`.
@inlinable
public func parseDecimal<T: FixedWidthInteger>(_ bytes: ArraySlice<UInt8>, as: T.Type = T.self) -> T? {
    var i = bytes.startIndex
    var negative = false
    if i < bytes.endIndex && bytes[i] == UInt8(ascii: "-") {
        guard T.isSigned else { return nil }
        negative = true
        i += 1
    }
    guard i < bytes.endIndex else { return nil }
    var value: T = 0
    while i < bytes.endIndex {
        let b = bytes[i]
        guard b >= 0x30 && b <= 0x39 else { return nil }
        let (m, o1) = value.multipliedReportingOverflow(by: 10)
        let digit = T(b - 0x30)
        let (s, o2) = negative ? m.subtractingReportingOverflow(digit) : m.addingReportingOverflow(digit)
        guard !o1 && !o2 else { return nil }
        value = s
        i += 1
    }
    return value
}

/// The value of one hex digit in either case; nil for any other byte.
@inlinable @inline(__always)
public func hexValue(_ b: UInt8) -> UInt8? {
    switch b {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return b &- UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return b &- UInt8(ascii: "a") &+ 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return b &- UInt8(ascii: "A") &+ 10
    default: return nil
    }
}
