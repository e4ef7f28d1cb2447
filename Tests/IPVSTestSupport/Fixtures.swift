import Foundation

/// Finds test fixtures in the source tree (`Tests/Fixtures`), wherever the tests run from.
public enum Fixtures {
    /// `Tests/Fixtures`.
    public static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        url.deleteLastPathComponent()  // IPVSTestSupport
        url.deleteLastPathComponent()  // Tests
        return url.appendingPathComponent("Fixtures").path
    }()

    /// The package root.
    public static let packageRoot: String = URL(fileURLWithPath: root).deletingLastPathComponent().deletingLastPathComponent()
        .path

    public static func path(_ relative: String) -> String { root + "/" + relative }

    public static func bytes(_ relative: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path(relative))))
    }

    public static func text(_ relative: String) throws -> String {
        String(decoding: try bytes(relative), as: UTF8.self)
    }

    /// The real kernel capture laid out as a procfs root.
    public static let labProc = path("kernel-6.1-lab/proc")
    public static let labBoot = path("kernel-6.1-lab/boot")

    public static func capture(_ name: String) throws -> String { try text("kernel-6.1-lab/captures/" + name) }

    /// A fresh empty directory under the system temporary directory.
    public static func temporaryDirectory(_ name: String = "ipvs-test") throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    /// Copies the lab /proc tree to a temporary directory so a test can break one file.
    public static func copyOfLabProc() throws -> String {
        let directory = try temporaryDirectory("proc")
        try FileManager.default.removeItem(atPath: directory)
        try FileManager.default.copyItem(atPath: labProc, toPath: directory)
        return directory
    }

    public static func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    public static func write(_ bytes: [UInt8], to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }
}

/// Golden files: the expected whole output of something, kept beside the fixtures.
///
/// `RECORD_GOLDEN=1 swift test` rewrites them; the comparison then reports that it recorded,
/// so a recording run never passes silently.
public enum Golden {
    public enum Outcome: Equatable {
        case matches
        case recorded(path: String)
        case differs(firstDifferentLine: Int, expected: String, actual: String)
    }

    public static func compare(_ actual: [UInt8], to relative: String) throws -> Outcome {
        let path = Fixtures.path(relative)
        if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(
                atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path, withIntermediateDirectories: true)
            try Fixtures.write(actual, to: path)
            return .recorded(path: path)
        }
        let expected = try Fixtures.bytes(relative)
        if expected == actual { return .matches }
        let expectedLines = String(decoding: expected, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let actualLines = String(decoding: actual, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        for index in 0..<max(expectedLines.count, actualLines.count) {
            let e = index < expectedLines.count ? String(expectedLines[index]) : "<end of file>"
            let a = index < actualLines.count ? String(actualLines[index]) : "<end of file>"
            if e != a { return .differs(firstDifferentLine: index + 1, expected: e, actual: a) }
        }
        return .differs(firstDifferentLine: 0, expected: "", actual: "")
    }
}

extension Golden {
    /// Compares text with a golden file under `expected/`, failing with the first differing
    /// line (or that it recorded).
    public static func check(_ actual: String, _ relative: String) throws {
        switch try compare(Array(actual.utf8), to: "expected/" + relative) {
        case .matches:
            return
        case .recorded(let path):
            throw GoldenMismatch(description: "recorded \(path); run again without RECORD_GOLDEN")
        case .differs(let line, let expected, let actual):
            throw GoldenMismatch(
                description:
                    "expected/\(relative) differs at line \(line):\n expected: \(expected)\n actual:   \(actual)\n(RECORD_GOLDEN=1 rewrites it)"
            )
        }
    }
}

public struct GoldenMismatch: Error, CustomStringConvertible {
    public var description: String
}

/// Reads `lint --format concise` output (`file:line:col: LVS201 [error] message`).
public enum ConciseLint {
    /// The rule ID of each finding line, in order; other lines (`--verbose` notes) are skipped.
    public static func ruleIDs(_ output: String) -> [String] {
        output.split(separator: "\n").filter { $0.contains(" [") }.compactMap {
            $0.split(separator: " ").dropFirst().first.map(String.init)
        }
    }
}

/// The tab-separated files of a corpus under Tests/Fixtures/corpus (SOURCES.tsv, expected.tsv,
/// findings.tsv): rows without comments and header.
public enum CorpusExpectations {
    public static func rows(_ path: String) -> [[String]] {
        guard let text = try? Fixtures.text(path) else { return [] }
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.hasPrefix("file\t") }.map {
            $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        }
    }
}

/// The kernel lab's netlink recordings (Tests/Fixtures/lab/netlink), by directory name.
public enum LabRecordings {
    public static let root = Fixtures.path("lab/netlink")
    public static let netlink: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).sorted()
}
