import Foundation

/// Writes RulePages.swift: every lint-rules/LVSnnn.md as a string, keyed by rule ID.
/// Usage: rule-pages-generator OUTPUT PAGE.md...
///
/// No top-level code: the fuzz build (`make fuzz`) compiles and links every module, this build
/// tool included, with libFuzzer, which brings its own `main` (see the end of the file).
enum RulePagesGenerator {
    static func generate() throws {
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
        var source =
            "// Generated from lint-rules/*.md by the RulePages plugin. Do not edit.\n\nenum RulePages {\n    static let pages: [String: String] = [\n"
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
    }
}

#if FUZZING
    // Linked with libFuzzer, whose main calls this before anything else: generate, and stop there.
    @_cdecl("LLVMFuzzerInitialize")
    func fuzzerInitialize(
        _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>
    ) -> Int32 {
        do { try RulePagesGenerator.generate() } catch {
            FileHandle.standardError.write(Data("rule-pages-generator: \(error)\n".utf8))
            exit(1)
        }
        exit(0)
    }

    @_cdecl("LLVMFuzzerTestOneInput")
    func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 { 0 }
#else
    @main
    enum Main {
        static func main() throws { try RulePagesGenerator.generate() }
    }
#endif
