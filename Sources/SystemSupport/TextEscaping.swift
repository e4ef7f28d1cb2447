/// Escaping of untrusted text (file names, messages, log fields, build facts) for each text
/// format this project writes, in one place: the lint reports, the log lines and the landing
/// page each used to carry their own copy, and two copies of one escaper drift apart.
///
/// Each function keeps the unit it has always walked: JSON and XML escape Unicode scalars,
/// HTML and logfmt whole characters, so their output is what it was before they moved here.
public enum TextEscaping {
    /// A JSON string literal, quotes included (RFC 8259 §7): `"`, `\` and the C0 controls are
    /// escaped, everything else, non-ASCII too, is written as is (the output is UTF-8).
    public static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// Text for an XML attribute value or element: the five entities, newlines kept as `&#10;`
    /// (an attribute would fold a raw one into a space), and `?` for the other C0 controls
    /// but tab, which XML 1.0 cannot carry even as character references.
    public static func xml(_ text: String) -> String {
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

    /// Text for HTML content or a quoted attribute value. `'` is `&#39;` rather than `&apos;`,
    /// which HTML 4 lacks.
    public static func html(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// A logfmt value: bare when it can be, else double-quoted with `"`, `\`, `\n` and `\r`
    /// escaped. An empty value is written `""`, so `key=` never reads as a truncated line.
    public static func logfmtValue(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.contains { $0 == " " || $0 == "=" || $0 == "\"" || $0.isNewline || $0 == "\\" }
        guard needsQuotes else { return value }
        var escaped = ""
        for character in value {
            switch character {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            default: escaped.append(character)
            }
        }
        return "\"\(escaped)\""
    }
}
