/// Parses `sysctl -a` output and sysctl.conf / sysctl.d syntax.
///
/// `key = value` or `key=value`; `#` and `;` start comments; a leading `-` (ignore errors on
/// apply) is accepted; `/` separators are turned into dots the way procps does, keeping a dot
/// inside a component as `/`. A later line for the same key wins, as with `sysctl -p`.
public enum SysctlParser {
    public static func parse(_ file: SourceFile, host: String?) throws(LintInputError) -> SysctlSet {
        var values: [String: Located<String>] = [:]
        for (index, line) in file.lines.enumerated() {
            let number = index + 1
            var content = line.drop { $0 == " " || $0 == "\t" }
            if content.isEmpty || content.hasPrefix("#") || content.hasPrefix(";") { continue }
            let keyColumn = line.columnCount - content.columnCount + 1
            if content.hasPrefix("-") { content = content.dropFirst() }
            guard let equals = content.firstIndex(of: "=") else {
                throw LintInputError(
                    SourceLocation(file: file.id, line: number, column: keyColumn), found: LintInputError.quote(content),
                    expected: "key = value")
            }
            let rawKey = content[..<equals].trimmingCharacters(in: " \t")
            let value = String(content[content.index(after: equals)...]).trimmingCharacters(in: " \t")
            guard !rawKey.isEmpty, rawKey.allSatisfy({ $0.isLetter || $0.isNumber || "._-/:@".contains($0) }) else {
                throw LintInputError(
                    SourceLocation(file: file.id, line: number, column: keyColumn),
                    found: LintInputError.quote(rawKey.isEmpty ? "=" : rawKey),
                    expected: "a sysctl key such as net.ipv4.ip_forward")
            }
            let key = normalise(rawKey)
            values[key] = Located(
                value, SourceLocation(file: file.id, line: number, column: keyColumn, endColumn: keyColumn + rawKey.count))
        }
        return SysctlSet(file: file, host: host, values: values)
    }

    /// `net/ipv4/conf/eth0.100/rp_filter` → `net.ipv4.conf.eth0/100.rp_filter`.
    static func normalise(_ key: String) -> String {
        guard key.contains("/") && (key.firstIndex(of: "/")! < (key.firstIndex(of: ".") ?? key.endIndex)) else { return key }
        return key.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.replacingDots() }.joined(separator: ".")
    }
}

extension Substring {
    func replacingDots() -> String { String(map { $0 == "." ? "/" : $0 }) }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String { String(self).trimmingCharacters(in: set) }
}
