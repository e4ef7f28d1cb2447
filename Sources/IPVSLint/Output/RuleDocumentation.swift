/// The rule pages of `lint-rules/`, compiled into the binary (by the RulePages build plugin) so
/// that `lint --explain` and the SARIF help work anywhere.
public enum RuleDocumentation {
    /// The whole page of a rule, by ID.
    public static func page(_ id: String) -> String? {
        RulePages.pages[id]
    }

    /// Every page, by ID.
    public static var all: [String: String] { RulePages.pages }

    /// The text of a page's "What it does" section.
    public static func whatItDoes(_ id: String) -> String? {
        guard let page = page(id) else { return nil }
        return section(page, "What it does")
    }

    /// The text under `## title`, up to the next `##` heading.
    public static func section(_ page: String, _ title: String) -> String? {
        let lines = page.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0 == "## \(title)" }) else { return nil }
        let body = lines[(start + 1)...].prefix { !$0.hasPrefix("## ") }
        return body.joined(separator: "\n").trimmingCharacters(in: "\n ")
    }
}
