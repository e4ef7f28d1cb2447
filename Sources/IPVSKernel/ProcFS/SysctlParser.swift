import SystemSupport

/// Checks one sysctl file's contents against what the kernel prints for that name.
public enum SysctlParser {
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
                throw ProcParseError(
                    file: file, line: 1, found: ProcParseError.excerpt(body), expected: "a CPU list such as 0-3,8")
            }
        default:
            guard parseDecimal(body, as: Int64.self) != nil else {
                throw ProcParseError(file: file, line: 1, found: ProcParseError.excerpt(body), expected: "an integer")
            }
        }
        return String(decoding: body, as: UTF8.self)
    }
}
