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
}
