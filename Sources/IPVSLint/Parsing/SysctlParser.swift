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
                    SourceLocation(file: file.id, line: number, column: keyColumn), found: LintInputError.quote(rawKey.isEmpty ? "=" : rawKey),
                    expected: "a sysctl key such as net.ipv4.ip_forward")
            }
            let key = normalise(rawKey)
            values[key] = Located(value, SourceLocation(file: file.id, line: number, column: keyColumn, endColumn: keyColumn + rawKey.count))
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

/// Parses the timeouts: `Timeout (tcp tcpfin udp): 900 120 300` (`ipvsadm -L --timeout`), or
/// `900,120,300` as given on the command line.
public enum TimeoutsParser {
    public static func parse(_ file: SourceFile) throws(LintInputError) -> TimeoutSettings {
        for (index, line) in file.lines.enumerated() {
            let text = line.trimmingCharacters(in: " \t")
            if text.isEmpty || text.hasPrefix("#") { continue }
            let prefix = "Timeout (tcp tcpfin udp):"
            guard text.hasPrefix(prefix) else {
                throw LintInputError(
                    SourceLocation(file: file.id, line: index + 1), found: LintInputError.quote(text),
                    expected: "\"Timeout (tcp tcpfin udp): TCP TCPFIN UDP\" as ipvsadm -L --timeout prints it")
            }
            let column = line.columnCount - text.columnCount + prefix.count + 1
            return try values(String(text.dropFirst(prefix.count)), file: file.name, line: index + 1, column: column, separator: " ")
        }
        throw LintInputError(SourceLocation(file: file.id, line: 1), found: "an empty file", expected: "\"Timeout (tcp tcpfin udp): TCP TCPFIN UDP\"")
    }

    /// `900,120,300`.
    public static func parse(commandLine text: String) throws(LintInputError) -> TimeoutSettings {
        try values(text, file: "--timeouts", line: 1, column: 1, separator: ",")
    }

    static func values(_ text: String, file: String, line: Int, column: Int, separator: Character) throws(LintInputError) -> TimeoutSettings {
        let parts = text.split(separator: separator, omittingEmptySubsequences: true).map { $0.trimmingCharacters(in: " \t") }
        guard parts.count == 3 else {
            throw LintInputError(
                SourceLocation(file: file, line: line, column: column), found: LintInputError.quote(text),
                expected: "three timeouts in seconds: TCP TCPFIN UDP")
        }
        var located: [Located<Int64>] = []
        for (index, part) in parts.enumerated() {
            guard let value = Int64(part) else {
                throw LintInputError(
                    SourceLocation(file: file, line: line, column: column), found: LintInputError.quote(part),
                    expected: "a timeout in seconds (an integer) for \(["tcp", "tcpfin", "udp"][index])")
            }
            located.append(Located(value, SourceLocation(file: file, line: line, column: column)))
        }
        return TimeoutSettings(tcp: located[0], tcpFin: located[1], udp: located[2])
    }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String { String(self).trimmingCharacters(in: set) }
}
