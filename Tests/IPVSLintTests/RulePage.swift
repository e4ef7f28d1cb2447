import Foundation
import IPVSLint
import IPVSTestSupport

/// A rule page of `lint-rules/`, read the way the tests need it: its title, its fact line, its
/// sections, and the fenced input blocks of Example, Use instead and Suppressing.
struct RulePage: CustomStringConvertible {
    let id: String
    let path: String
    let text: String
    let lines: [Substring]

    /// A fenced block whose info string names an input role: ```ipvsadm, ```iptables,
    /// ```ip6tables, ```nftables (nft list ruleset, or its JSON), ```sysctl (the director), ```sysctl 10.0.0.11 (a real server), ```timeouts;
    /// or ```yaml .ipvs-lint.yaml, the configuration (its `facts:` for the rules that need one).
    struct Block {
        /// nil for the configuration file.
        var role: InputRole?
        var text: String
        var line: Int

        var isConfiguration: Bool { role == nil }
        var slot: String { role?.slot ?? LintConfiguration.fileName }

        var fileName: String {
            guard let role else { return LintConfiguration.fileName }
            return switch role {
            case .ipvsadm: "rules.ipvs"
            case .keepalived: "keepalived.conf"
            case .iptables: "iptables.save"
            case .ip6tables: "ip6tables.save"
            case .nftables: text.hasPrefix("{") ? "ruleset.json" : "ruleset.nft"
            case .sysctl(let host): host.map { "rs-\($0).conf" } ?? "director.conf"
            case .timeouts: "timeouts.txt"
            }
        }
    }

    static let directory = Fixtures.packageRoot + "/lint-rules"

    static func all() throws -> [RulePage] {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".md") }.sorted().map {
            try RulePage(path: directory + "/" + $0)
        }
    }

    init(path: String) throws {
        self.path = path
        id = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        text = try String(contentsOfFile: path, encoding: .utf8)
        lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    var description: String { id }

    var title: String? { lines.first.map(String.init) }

    /// `Severity: error · Inputs: --ipvsadm, --iptables/--ip6tables`
    var factLine: String? { lines.first { $0.hasPrefix("Severity: ") }.map(String.init) }

    /// `## ` headings in order.
    var sections: [String] {
        lines.filter { $0.hasPrefix("## ") }.map { String($0.dropFirst(3)) }
    }

    /// The lines of a section (1-based line numbers), without its heading.
    func section(_ title: String) -> [(Int, Substring)] {
        guard let start = lines.firstIndex(where: { $0 == "## \(title)" }) else { return [] }
        var out: [(Int, Substring)] = []
        for index in (start + 1)..<lines.count {
            if lines[index].hasPrefix("## ") { break }
            out.append((index + 1, lines[index]))
        }
        return out
    }

    /// Input blocks of a section; blocks in other languages (```text for output) are skipped.
    func blocks(_ title: String) throws -> [Block] {
        var blocks: [Block] = []
        var current: (BlockKind, Int, [Substring])?
        for (number, line) in section(title) {
            if line.hasPrefix("```") {
                if let open = current {
                    let text = open.2.joined(separator: "\n") + "\n"
                    switch open.0 {
                    case .input(let role): blocks.append(Block(role: role, text: text, line: open.1))
                    case .configuration: blocks.append(Block(role: nil, text: text, line: open.1))
                    case .other: break
                    }
                    current = nil
                } else {
                    let info = line.dropFirst(3).split(separator: " ")
                    current = (try Self.role(info, page: id, line: number), number + 1, [])
                }
            } else if current != nil {
                current!.2.append(line)
            }
        }
        if current != nil { throw PageError("\(path): unterminated code block in \(title)") }
        return blocks
    }

    enum BlockKind {
        case input(InputRole)
        case configuration
        case other
    }

    static func role(_ info: [Substring], page: String, line: Int) throws -> BlockKind {
        switch info.first {
        case "ipvsadm": .input(.ipvsadm)
        case "keepalived": .input(.keepalived)
        case "iptables": .input(.iptables)
        case "ip6tables": .input(.ip6tables)
        case "nftables": .input(.nftables)
        case "sysctl": .input(.sysctl(host: info.count > 1 ? String(info[1]) : nil))
        case "timeouts": .input(.timeouts)
        case "yaml" where info.count > 1 && info[1] == LintConfiguration.fileName: .configuration
        case "text", "console", "yaml", "sh": .other
        default:
            throw PageError(
                "\(page).md:\(line): code block language \(info.first.map(String.init) ?? "(none)") is not an input role or text/console/yaml/sh"
            )
        }
    }

    /// Several blocks for one input are alternatives ("use this, or this"): one set of blocks per
    /// alternative, each with the single blocks of the other inputs.
    static func alternatives(_ blocks: [Block]) -> [[Block]] {
        var slots: [String] = []
        var bySlot: [String: [Block]] = [:]
        for block in blocks {
            if bySlot[block.slot] == nil { slots.append(block.slot) }
            bySlot[block.slot, default: []].append(block)
        }
        let count = bySlot.values.map(\.count).max() ?? 0
        return (0..<count).map { index in slots.map { bySlot[$0]![min(index, bySlot[$0]!.count - 1)] } }
    }

    /// Lints blocks as the files they stand for.
    static func lint(_ blocks: [Block]) throws -> Linter.Result {
        var set = InputSet()
        for block in blocks {
            guard let role = block.role else { continue }
            do throws(LintInputError) {
                try set.add(SourceFile(name: block.fileName, text: block.text), as: role)
            } catch {
                throw PageError("block at line \(block.line) does not parse: \(error)")
            }
        }
        // The configuration applies to the inputs, so it comes after them.
        for block in blocks where block.isConfiguration {
            do throws(LintInputError) {
                let configuration = try LintConfiguration.parse(
                    SourceFile(name: block.fileName, text: block.text), knownRules: RuleRegistry.id)
                try set.apply(configuration) { (path: String) throws(LintInputError) -> SourceFile in
                    throw LintInputError(
                        SourceLocation(file: block.fileName, line: 1), found: "a file reference",
                        expected: "no real-servers: in a page's configuration")
                }
            } catch {
                throw PageError("configuration block at line \(block.line) does not parse: \(error)")
            }
        }
        return set.lint()
    }
}

struct PageError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension InputRole {
    /// Blocks of the same role (and host) replace each other; the firewall dumps are one slot,
    /// so that a page's iptables and nftables forms are alternatives, each linted on its own.
    var slot: String {
        switch self {
        case .iptables, .ip6tables, .nftables: "firewall"
        default: description
        }
    }
}
