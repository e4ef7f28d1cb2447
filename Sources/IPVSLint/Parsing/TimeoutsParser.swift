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
            return try values(
                String(text.dropFirst(prefix.count)), file: file.name, line: index + 1, column: column, separator: " ")
        }
        throw LintInputError(
            SourceLocation(file: file.id, line: 1), found: "an empty file",
            expected: "\"Timeout (tcp tcpfin udp): TCP TCPFIN UDP\"")
    }

    /// `900,120,300`.
    public static func parse(commandLine text: String) throws(LintInputError) -> TimeoutSettings {
        try values(text, file: "--timeouts", line: 1, column: 1, separator: ",")
    }

    static func values(_ text: String, file: String, line: Int, column: Int, separator: Character) throws(LintInputError)
        -> TimeoutSettings
    {
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
