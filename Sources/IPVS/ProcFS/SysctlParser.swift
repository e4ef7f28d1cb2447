/// The IPVS sysctls of one network namespace (`/proc/sys/net/ipv4/vs/*`), as text.
///
/// Values are kept as the kernel prints them (trailing newline removed) so that nothing is
/// lost; ``integer(_:)`` reads the numeric ones.
public struct IPVSSysctls: Hashable, Sendable {
    public var values: [String: String]

    public init(values: [String: String]) {
        self.values = values
    }

    public func integer(_ name: String) -> Int64? {
        values[name].flatMap { Int64($0) }
    }

    /// `sync_threshold` is two integers separated by a tab: threshold and period.
    public var syncThreshold: (threshold: Int64, period: Int64)? {
        guard let parts = values["sync_threshold"]?.split(whereSeparator: { $0 == "\t" || $0 == " " }), parts.count == 2,
            let threshold = Int64(parts[0]), let period = Int64(parts[1])
        else { return nil }
        return (threshold, period)
    }
}

/// Checks one sysctl file's contents against what the kernel prints for that name.
public enum SysctlParser {
    /// Names whose value is not a single integer.
    static let textual: Set<String> = ["sync_threshold", "est_cpulist"]

    /// - Returns: The value without its trailing newline.
    public static func parse(_ bytes: [UInt8], name: String, file: String) throws(ProcParseError) -> String {
        var body = bytes[...]
        if body.last == 0x0A { body = body.dropLast() }
        guard !body.contains(0x0A) else {
            let second = body.firstIndex(of: 0x0A).map { body[($0 + 1)...] } ?? body
            throw ProcParseError(file: file, line: 2, found: ProcParseError.excerpt(second), expected: "a single line")
        }
        switch name {
        case "sync_threshold":
            let parts = body.split(whereSeparator: { $0 == 0x09 || $0 == 0x20 })
            guard parts.count == 2, parts.allSatisfy({ parseDecimal($0, as: Int64.self) != nil }) else {
                throw ProcParseError(
                    file: file, line: 1, found: ProcParseError.excerpt(body), expected: "two integers separated by a tab")
            }
        case "est_cpulist":
            guard body.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "-") }) else {
                throw ProcParseError(file: file, line: 1, found: ProcParseError.excerpt(body), expected: "a CPU list such as 0-3,8")
            }
        default:
            guard parseDecimal(body, as: Int64.self) != nil else {
                throw ProcParseError(file: file, line: 1, found: ProcParseError.excerpt(body), expected: "an integer")
            }
        }
        return String(decoding: body, as: UTF8.self)
    }
}
