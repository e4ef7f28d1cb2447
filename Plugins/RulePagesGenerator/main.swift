import Foundation

// Writes RulePages.swift: every lint-rules/LVSnnn.md as a string, keyed by rule ID.
// Usage: rule-pages-generator OUTPUT PAGE.md...
let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: rule-pages-generator OUTPUT PAGE.md...\n".utf8))
    exit(2)
}
var entries: [(String, String)] = []
for path in arguments.dropFirst(2) {
    let id = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    guard id.hasPrefix("LVS") else { continue }
    let text = try String(contentsOfFile: path, encoding: .utf8)
    entries.append((id, text))
}
entries.sort { $0.0 < $1.0 }
var source = "// Generated from lint-rules/*.md by the RulePages plugin. Do not edit.\n\nenum RulePages {\n    static let pages: [String: String] = [\n"
for (id, text) in entries {
    // A raw string whose delimiter cannot occur in the page.
    var hashes = "#"
    while text.contains("\"\"\"" + hashes) || text.contains("\"" + hashes) { hashes += "#" }
    source += "        \"\(id)\": \(hashes)\"\"\"\n\(text)\n\"\"\"\(hashes),\n"
}
source += entries.isEmpty ? "        :\n    ]\n}\n" : "    ]\n}\n"
let output = URL(fileURLWithPath: arguments[1])
if (try? String(contentsOf: output, encoding: .utf8)) != source {
    try source.write(to: output, atomically: true, encoding: .utf8)
}
