/// `--format sarif`: SARIF 2.1.0 for GitHub code scanning, with every rule's page as its help
/// and suppressed findings kept as dismissed results.
enum SARIFFormatter: ReportFormatter {
    static func render(_ report: LintReport) -> String {
        let result = report.result
        let rules = report.rules
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
                (
                    "fullDescription",
                    .object([("text", .string(String((RuleDocumentation.whatItDoes(rule.id) ?? rule.summary).prefix(1024))))])
                ),
                ("help", .object([("text", .string(markdown)), ("markdown", .string(markdown))])),
                ("helpUri", .string(report.page(rule.id))),
                ("defaultConfiguration", .object([("level", .string(level(rule.severity)))])),
                ("properties", .object([("tags", .array([.string("ipvs"), .string("lvs")])), ("precision", .string("high"))])),
            ])
        }
        func physical(_ location: SourceLocation) -> JSONValue {
            var region: [(String, JSONValue)] = [
                ("startLine", .number(location.line)), ("startColumn", .number(location.column)),
            ]
            if let end = location.endColumn, end > location.column { region.append(("endColumn", .number(end))) }
            return .object([
                (
                    "physicalLocation",
                    .object([("artifactLocation", .object([("uri", .string(uri(location.file)))])), ("region", .object(region))])
                )
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
                fields.append(
                    (
                        "relatedLocations",
                        .array(
                            related.enumerated().map { index, location in
                                if case .object(var object) = physical(location) {
                                    object.insert(("id", .number(index + 1)), at: 0)
                                    return .object(object)
                                }
                                return physical(location)
                            })
                    ))
            }
            if let suppression {
                // Code scanning shows these as dismissed, with the reason, rather than losing them.
                fields.append(
                    (
                        "suppressions",
                        .array([
                            .object([
                                ("kind", .string("inSource")), ("justification", .string(suppression.reason)),
                                ("location", physical(suppression.location)),
                            ])
                        ])
                    ))
            }
            return .object(fields)
        }
        let results =
            result.findings.map { resultObject($0, suppression: nil) }
            + result.suppressed.map { resultObject($0.0, suppression: $0.1) }
        let document: JSONValue = .object([
            ("$schema", .string("https://json.schemastore.org/sarif-2.1.0.json")), ("version", .string("2.1.0")),
            (
                "runs",
                .array([
                    .object([
                        (
                            "tool",
                            .object([
                                (
                                    "driver",
                                    .object([
                                        ("name", .string("ipvs-lint")), ("semanticVersion", .string(report.version)),
                                        ("informationUri", .string(report.documentationBase)), ("rules", .array(ruleObjects)),
                                    ])
                                )
                            ])
                        ),
                        ("results", .array(results)),
                        ("columnKind", .string("unicodeCodePoints")),
                    ])
                ])
            ),
        ])
        return document.rendered()
    }

    /// Relative paths stay relative (GitHub resolves them from the checkout); `-` is stdin.
    static func uri(_ path: String) -> String {
        var out = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return path.hasPrefix("/") ? "file://" + out : out
    }
}
