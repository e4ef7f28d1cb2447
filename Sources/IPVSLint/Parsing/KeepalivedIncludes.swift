import Glibc
import SystemSupport

/// How `--keepalived` reads `include` directives from the file system: the glob expanded
/// as keepalived does (sorted, no match is no file), each file read whole and checked for UTF-8.
enum KeepalivedIncludes {
    static func expand(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard glob(pattern, 0, nil, &result) == 0 else { return [] }
        var paths: [String] = []
        for index in 0..<Int(result.gl_pathc) {
            if let path = result.gl_pathv[index] { paths.append(String(cString: path)) }
        }
        return paths.sorted()
    }

    static func load(_ path: String) throws(LintInputError) -> SourceFile? {
        let bytes: [UInt8]
        do throws(FileError) {
            bytes = try Files.read(path, limit: 64 << 20)
        } catch {
            if case .notFound = error { return nil }
            throw LintInputError(SourceLocation(file: path, line: 1), found: "\(error)", expected: "a readable file")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw LintInputError(SourceLocation(file: path, line: 1), found: "bytes that are not UTF-8", expected: "UTF-8 text")
        }
        let file = SourceFile(name: path, text: text)
        try file.checkBounds()
        return file
    }
}

extension KeepalivedPreprocessor {
    /// keepalived's default config id: the node name (`uname -n`) up to its first dot.
    static func defaultConfigID() -> String {
        var names = utsname()
        guard uname(&names) == 0 else { return "" }
        let node = withUnsafeBytes(of: &names.nodename) { bytes in
            String(decoding: bytes.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        return String(node.prefix(while: { $0 != "." }))
    }
}
