import Glibc
public import Logging
import SystemSupport

/// Writes one line per log record to standard error.
public struct LogFormatHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let format: LogFormat
    private let label: String

    public init(label: String, format: LogFormat, level: Logger.Level) {
        self.label = label
        self.format = format
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [(String, String)] = [
            ("ts", Self.timestamp()), ("level", Self.levelName(event.level)), ("msg", event.message.description),
        ]
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        for key in merged.keys.sorted() {
            fields.append((key, "\(merged[key]!)"))
        }
        let line = format == .json ? Self.json(fields) : Self.logfmt(fields)
        writeAll(2, line + "\n")
    }

    /// Go's log levels are spelled like this in Prometheus tooling (`warn`, not `warning`).
    public static func levelName(_ level: Logger.Level) -> String {
        switch level {
        case .trace: "trace"
        case .debug: "debug"
        case .info: "info"
        case .notice: "info"
        case .warning: "warn"
        case .error: "error"
        case .critical: "error"
        }
    }

    public static func logfmt(_ fields: [(String, String)]) -> String {
        fields.map { key, value in "\(key)=\(TextEscaping.logfmtValue(value))" }.joined(separator: " ")
    }

    public static func json(_ fields: [(String, String)]) -> String {
        "{" + fields.map { "\(TextEscaping.jsonString($0.0)):\(TextEscaping.jsonString($0.1))" }.joined(separator: ",") + "}"
    }

    /// RFC 3339 UTC with milliseconds.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return rfc3339(seconds: Int64(now.tv_sec), milliseconds: Int(now.tv_nsec / 1_000_000))
    }

    public static func rfc3339(seconds: Int64, milliseconds: Int) -> String {
        // Civil-from-days (Howard Hinnant's algorithm), to stay clear of locale and timezone state.
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        var year = yearOfEra + era * 400
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        if month <= 2 { year += 1 }
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return
            "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2)).\(pad(Int64(milliseconds), 3))Z"
    }
}
