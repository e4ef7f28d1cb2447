import Dispatch
import Synchronization

/// Every rule, by ID. One line per rule: adding a rule is its file, its page and this line
/// (RuleRegistryTests checks all three agree).
public enum RuleRegistry {
    /// Finds a rule by ID (`LVS201`, any case) or name (`dr-tun-port-mismatch`).
    public static func lookup(_ text: String) -> (any LintRule.Type)? {
        all.first { $0.metadata.id.lowercased() == text.lowercased() || $0.metadata.name == text.lowercased() }
    }

    /// The ID of the rule an ID or name refers to, for parsers of suppressions and configuration.
    public static func id(_ text: String) -> String? { lookup(text)?.metadata.id }

    /// The rules a mistyped ID or name most likely meant, as `ID (name)`, the closest first
    /// (`LVS910` → LVS110 and LVS901; `dr-tun-port-missmatch` → LVS201; `non-numeric` →
    /// LVS901); empty when nothing is close. Close is one edit or swap for an ID, a quarter of
    /// the name's length (two at least) for a name, or the start of a name.
    public static func suggestions(for text: String) -> [String] {
        let typed = Array(text.lowercased().utf8)
        var scored: [(distance: Int, rule: RuleMetadata)] = []
        for rule in all.map({ $0.metadata }) {
            let name = Array(rule.name.utf8)
            var distances: [Int] = []
            let id = editDistance(typed, Array(rule.id.lowercased().utf8))
            if id <= 1 { distances.append(id) }
            let named = editDistance(typed, name)
            if named <= max(2, name.count / 4) { distances.append(named) }
            if typed.count >= 4 && name.starts(with: typed) { distances.append(1) }
            if let best = distances.min() { scored.append((best, rule)) }
        }
        guard let closest = scored.map(\.distance).min() else { return [] }
        // Among equally close ones, the same characters in another order (two keys swapped)
        // first: LVS910 is more likely LVS901 than LVS110.
        let letters = typed.sorted()
        let swapped = { (rule: RuleMetadata) in Array(rule.id.lowercased().utf8).sorted() == letters }
        let best = scored.filter { $0.distance == closest }
        return (best.filter { swapped($0.rule) } + best.filter { !swapped($0.rule) }).prefix(3).map {
            "\($0.rule.id) (\($0.rule.name))"
        }
    }

    /// Edit distance over bytes where swapping two neighbours is one edit (optimal string
    /// alignment): `LVS910` is one edit from `LVS901`.
    static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var table = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
                }
            }
        }
        return table[a.count][b.count]
    }
}
