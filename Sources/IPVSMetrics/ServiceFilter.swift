import IPVSModel

/// `--collector.services.include` / `--collector.services.exclude`: whole virtual services
/// kept or dropped before any collector sees the table, so a director with thousands of
/// services can serve only those someone watches.
///
/// Each pattern is matched, unanchored as node_exporter's `*-include` flags are, against one
/// string per service, ipvsadm's spelling of it (``VirtualServiceID/description``):
/// `TCP 10.0.0.1:80`, `UDP [2001:db8::1]:53`, `FWM 1000`, `FWM 1000 IPv6`. A service is kept
/// when it matches the include pattern (or there is none) and does not match the exclude one.
public struct ServiceFilter: Sendable {
    public let include: String?
    public let exclude: String?
    private let includeRegex: Pattern?
    private let excludeRegex: Pattern?

    /// A compiled pattern; Regex values are immutable once built.
    private struct Pattern: @unchecked Sendable {
        let regex: Regex<AnyRegexOutput>
    }

    /// A pattern that does not compile.
    public struct InvalidPattern: Error, CustomStringConvertible {
        public let flag: String
        public let pattern: String
        public let reason: String
        public var description: String { "\(flag) \"\(pattern)\" is not a regular expression: \(reason)" }
    }

    public init(include: String?, exclude: String?) throws(InvalidPattern) {
        self.include = include
        self.exclude = exclude
        includeRegex = try include.map { pattern throws(InvalidPattern) in
            try Self.compile(pattern, flag: "--collector.services.include")
        }
        excludeRegex = try exclude.map { pattern throws(InvalidPattern) in
            try Self.compile(pattern, flag: "--collector.services.exclude")
        }
    }

    private static func compile(_ pattern: String, flag: String) throws(InvalidPattern) -> Pattern {
        do { return Pattern(regex: try Regex(pattern)) } catch {
            throw InvalidPattern(flag: flag, pattern: pattern, reason: "\(error)")
        }
    }

    public func keeps(_ service: VirtualServiceID) -> Bool {
        let text = service.description
        if let includeRegex, (try? includeRegex.regex.firstMatch(in: text)) == nil { return false }
        if let excludeRegex, (try? excludeRegex.regex.firstMatch(in: text)) != nil { return false }
        return true
    }
}
