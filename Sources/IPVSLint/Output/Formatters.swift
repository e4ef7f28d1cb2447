/// The output formats of `ipvs_exporter lint --format`.
public enum OutputFormat: String, Sendable, CaseIterable {
    /// For people: colours (unless NO_COLOR or not a terminal), the line, a caret, a summary.
    case tty
    /// `file:line:col: LVS201 [error] message`, one line per finding.
    case concise
    /// A versioned JSON document.
    case json
    /// SARIF 2.1.0, for GitHub code scanning.
    case sarif
    /// GitHub Actions workflow commands (`::error file=…`).
    case github
    /// Checkstyle XML (Jenkins and others).
    case checkstyle
    /// JUnit XML (CI test reports).
    case junit
}

/// What a formatter needs: the result, the inputs (for source lines) and the tool facts.
public struct LintReport: Sendable {
    public var result: Linter.Result
    public var files: [SourceFile]
    public var rules: [RuleMetadata]
    public var version: String
    /// Base URL of the rule pages; a page is `<base>LVS201.md`.
    public var documentationBase: String
    public var verbose: Bool
    public var color: Bool

    public init(
        result: Linter.Result, files: [SourceFile], rules: [RuleMetadata] = RuleRegistry.all.map { $0.metadata }, version: String,
        documentationBase: String = defaultDocumentationBase, verbose: Bool = false, color: Bool = false
    ) {
        self.result = result
        self.files = files
        self.rules = rules
        self.version = version
        self.documentationBase = documentationBase
        self.verbose = verbose
        self.color = color
    }

    public static let defaultDocumentationBase = "https://github.com/ipvs-exporter/ipvs_exporter/blob/main/lint-rules/"

    func line(_ location: SourceLocation) -> Substring? {
        files.first { $0.id == location.source }?.line(location.line)
    }

    func page(_ id: String) -> String { documentationBase + id + ".md" }

    var counts: (errors: Int, warnings: Int, infos: Int) {
        let findings = result.findings
        return (findings.filter { $0.severity == .error }.count, findings.filter { $0.severity == .warning }.count,
                findings.filter { $0.severity == .info }.count)
    }

    public func render(_ format: OutputFormat) -> String {
        switch format {
        case .tty: tty()
        case .concise: concise()
        case .json: json()
        case .sarif: sarif()
        case .github: github()
        case .checkstyle: checkstyle()
        case .junit: junit()
        }
    }

    // MARK: - concise and tty

    func concise() -> String {
        var out = result.findings.map { "\($0.location): \($0.ruleID) [\($0.severity.rawValue)] \($0.message)\n" }.joined()
        if verbose { out += verboseLines(prefix: "") }
        return out
    }

    func verboseLines(prefix: String) -> String {
        var out = ""
        for (rule, why) in result.skipped { out += "\(prefix)skipped \(rule.id) (\(rule.name)): \(why)\n" }
        for (rule, note) in result.notes { out += "\(prefix)\(rule.id) (\(rule.name)) did not check \(note)\n" }
        for (finding, suppression) in result.suppressed {
            out += "\(prefix)suppressed \(finding.ruleID) at \(finding.location) by \(suppression.location): \(suppression.reason)\n"
        }
        return out
    }

    func tty() -> String {
        func paint(_ text: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
        var out = ""
        for finding in result.findings {
            let severity: String
            switch finding.severity {
            case .error: severity = paint("error", "1;31")
            case .warning: severity = paint("warning", "1;33")
            case .info: severity = paint("info", "1;36")
            }
            out += "\(paint(finding.location.description, "1")): \(severity) \(paint(finding.ruleID, "1")) \(finding.message)\n"
            if let text = line(finding.location) {
                let number = String(finding.location.line)
                let gutter = String(repeating: " ", count: number.count)
                out += "\(gutter) |\n\(number) | \(text)\n"
                let width = max(1, (finding.location.endColumn ?? finding.location.column + 1) - finding.location.column)
                out += "\(gutter) | \(String(repeating: " ", count: max(0, finding.location.column - 1)))\(paint(String(repeating: "^", count: width), "1;31")) \(finding.ruleName)\n"
            }
            for related in finding.related.prefix(5) where related != finding.location {
                out += "  \(paint("related:", "2")) \(related)\n"
            }
            out += "\n"
        }
        let (errors, warnings, infos) = counts
        if result.findings.isEmpty {
            out += "No findings.\n"
        } else {
            out += "\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s"), \(infos) info.\n"
            let ids = Array(Set(result.findings.map(\.ruleID))).sorted()
            out += "For more information: " + ids.map { "\($0) \(page($0))" }.joined(separator: "\n                      ") + "\n"
        }
        if verbose { out += verboseLines(prefix: "note: ") }
        return out
    }

    // MARK: - json

    func json() -> String {
        let (errors, warnings, infos) = counts
        func location(_ location: SourceLocation) -> JSONValue {
            var fields: [(String, JSONValue)] = [("file", .string(location.file)), ("line", .number(location.line)), ("column", .number(location.column))]
            if let end = location.endColumn { fields.append(("endColumn", .number(end))) }
            return .object(fields)
        }
        let findings: [JSONValue] = result.findings.map { finding in
            .object([
                ("rule", .string(finding.ruleID)), ("name", .string(finding.ruleName)), ("severity", .string(finding.severity.rawValue)),
                ("message", .string(finding.message)), ("location", location(finding.location)), ("object", .string(finding.object)),
                ("fingerprint", .string(finding.fingerprint)), ("related", .array(finding.related.map(location))),
                ("documentation", .string(page(finding.ruleID))),
            ])
        }
        let document: JSONValue = .object([
            ("version", .number(1)), ("tool", .object([("name", .string("ipvs_exporter lint")), ("version", .string(version))])),
            ("findings", .array(findings)),
            ("summary", .object([("errors", .number(errors)), ("warnings", .number(warnings)), ("info", .number(infos))])),
            ("skipped", .array(result.skipped.map { .object([("rule", .string($0.0.id)), ("reason", .string($0.1))]) })),
            ("suppressed", .array(result.suppressed.map {
                .object([("rule", .string($0.0.ruleID)), ("location", location($0.0.location)), ("reason", .string($0.1.reason))])
            })),
        ])
        return document.rendered()
    }

    // MARK: - sarif

    func sarif() -> String {
        func level(_ severity: Severity) -> String {
            switch severity {
            case .error: "error"
            case .warning: "warning"
            case .info: "note"
            }
        }
        let indices = Dictionary(uniqueKeysWithValues: rules.enumerated().map { ($1.id, $0) })
        let ruleObjects: [JSONValue] = rules.map { rule in
            let markdown = RuleDocumentation.page(rule.id) ?? rule.summary
            return .object([
                ("id", .string(rule.id)), ("name", .string(rule.name)),
                ("shortDescription", .object([("text", .string(rule.summary))])),
                ("fullDescription", .object([("text", .string(String((RuleDocumentation.whatItDoes(rule.id) ?? rule.summary).prefix(1024))))])),
                ("help", .object([("text", .string(markdown)), ("markdown", .string(markdown))])),
                ("helpUri", .string(page(rule.id))),
                ("defaultConfiguration", .object([("level", .string(level(rule.severity)))])),
                ("properties", .object([("tags", .array([.string("ipvs"), .string("lvs")])), ("precision", .string("high"))])),
            ])
        }
        func physical(_ location: SourceLocation) -> JSONValue {
            var region: [(String, JSONValue)] = [("startLine", .number(location.line)), ("startColumn", .number(location.column))]
            if let end = location.endColumn, end > location.column { region.append(("endColumn", .number(end))) }
            return .object([
                ("physicalLocation", .object([("artifactLocation", .object([("uri", .string(Self.uri(location.file)))])), ("region", .object(region))]))
            ])
        }
        func resultObject(_ finding: Finding, suppression: Suppression?) -> JSONValue {
            var fields: [(String, JSONValue)] = [
                ("ruleId", .string(finding.ruleID)), ("level", .string(level(finding.severity))),
                ("message", .object([("text", .string(finding.message))])), ("locations", .array([physical(finding.location)])),
                ("partialFingerprints", .object([("ipvsObject/v1", .string(finding.fingerprint))])),
            ]
            if let index = indices[finding.ruleID] { fields.insert(("ruleIndex", .number(index)), at: 1) }
            let related = finding.related.filter { $0 != finding.location }
            if !related.isEmpty {
                fields.append(("relatedLocations", .array(related.enumerated().map { index, location in
                    if case .object(var object) = physical(location) {
                        object.insert(("id", .number(index + 1)), at: 0)
                        return .object(object)
                    }
                    return physical(location)
                })))
            }
            if let suppression {
                // Code scanning shows these as dismissed, with the reason, rather than losing them.
                fields.append(("suppressions", .array([.object([
                    ("kind", .string("inSource")), ("justification", .string(suppression.reason)), ("location", physical(suppression.location)),
                ])])))
            }
            return .object(fields)
        }
        let results = result.findings.map { resultObject($0, suppression: nil) } + result.suppressed.map { resultObject($0.0, suppression: $0.1) }
        let document: JSONValue = .object([
            ("$schema", .string("https://json.schemastore.org/sarif-2.1.0.json")), ("version", .string("2.1.0")),
            ("runs", .array([.object([
                ("tool", .object([("driver", .object([
                    ("name", .string("ipvs-lint")), ("semanticVersion", .string(version)),
                    ("informationUri", .string(documentationBase)), ("rules", .array(ruleObjects)),
                ]))])),
                ("results", .array(results)),
                ("columnKind", .string("unicodeCodePoints")),
            ])])),
        ])
        return document.rendered()
    }

    /// Relative paths stay relative (GitHub resolves them from the checkout); `-` is stdin.
    static func uri(_ path: String) -> String {
        var out = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return path.hasPrefix("/") ? "file://" + out : out
    }

    // MARK: - github

    func github() -> String {
        func escapeData(_ text: String) -> String {
            text.replacingAll("%", "%25").replacingAll("\r", "%0D").replacingAll("\n", "%0A")
        }
        func escapeProperty(_ text: String) -> String {
            escapeData(text).replacingAll(":", "%3A").replacingAll(",", "%2C")
        }
        // Actions shows 10 annotations of each kind per step: errors first.
        let ordered = result.findings.sorted { ($1.severity, $0.location) < ($0.severity, $1.location) }
        var out = ""
        for finding in ordered {
            let command = finding.severity == .error ? "error" : finding.severity == .warning ? "warning" : "notice"
            var properties = "file=\(escapeProperty(finding.location.file)),line=\(finding.location.line),col=\(finding.location.column)"
            if let end = finding.location.endColumn { properties += ",endColumn=\(end)" }
            properties += ",title=\(escapeProperty("\(finding.ruleID) \(finding.ruleName)"))"
            out += "::\(command) \(properties)::\(escapeData("\(finding.message) (\(page(finding.ruleID)))"))\n"
        }
        let (errors, warnings, infos) = counts
        out += "ipvs-lint: \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s"), \(infos) info\n"
        return out
    }

    // MARK: - checkstyle and junit

    static func xml(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n": out += "&#10;"
            case _ where scalar.value < 0x20 && scalar != "\t": out += "?"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    func checkstyle() -> String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">\n"
        let byFile = Dictionary(grouping: result.findings, by: \.location.file)
        for file in byFile.keys.sorted() {
            out += "  <file name=\"\(Self.xml(file))\">\n"
            for finding in byFile[file]! {
                out += "    <error line=\"\(finding.location.line)\" column=\"\(finding.location.column)\" severity=\"\(finding.severity.rawValue)\" message=\"\(Self.xml(finding.message))\" source=\"ipvs-lint.\(finding.ruleID).\(finding.ruleName)\"/>\n"
            }
            out += "  </file>\n"
        }
        return out + "</checkstyle>\n"
    }

    func junit() -> String {
        let findings = result.findings
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"ipvs-lint\" tests=\"\(max(1, findings.count))\" failures=\"\(findings.count)\">\n"
        out += "  <testsuite name=\"ipvs-lint\" tests=\"\(max(1, findings.count))\" failures=\"\(findings.count)\" errors=\"0\">\n"
        if findings.isEmpty {
            out += "    <testcase classname=\"ipvs-lint\" name=\"no findings\"/>\n"
        }
        for finding in findings {
            out += "    <testcase classname=\"\(Self.xml(finding.location.file))\" name=\"\(finding.ruleID) \(Self.xml(finding.location.description))\">\n"
            out += "      <failure type=\"\(finding.severity.rawValue)\" message=\"\(Self.xml(finding.message))\">\(Self.xml("\(finding.location): \(finding.ruleID) \(finding.ruleName): \(finding.message)\nSee \(page(finding.ruleID))"))</failure>\n"
            out += "    </testcase>\n"
        }
        return out + "  </testsuite>\n</testsuites>\n"
    }
}

extension String {
    func replacingAll(_ target: String, _ replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            out += rest[..<range.lowerBound]
            out += replacement
            rest = rest[range.upperBound...]
        }
        return out + rest
    }
}
