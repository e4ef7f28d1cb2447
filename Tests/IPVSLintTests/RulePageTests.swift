import Foundation
import IPVSLint
import IPVSTestSupport
import Testing

/// Every rule has a page, every page a rule, and every page's examples do what they say: the
/// Example fires that rule and no other, Use instead fires nothing, and Suppressing silences it.
@Suite struct RulePageTests {
    static let pages: [RulePage] = (try? RulePage.all()) ?? []
    static let ids = RuleRegistry.all.map { $0.metadata.id }

    /// Every nftables block of every page is a ruleset nft itself accepts (`nft -c -f`, in a
    /// scratch network namespace).
    @Test(
        .enabled(if: getuid() == 0 && Processes.which("unshare") != nil && Processes.which("nft") != nil),
        arguments: pages)
    func nftablesBlocksAreValid(_ page: RulePage) async throws {
        for section in ["Example", "Use instead", "Suppressing"] {
            for block in try page.blocks(section) where block.role == .nftables {
                let json = block.text.hasPrefix("{")
                let check = try await Processes.run(
                    "/usr/bin/unshare", ["-n", "nft"] + (json ? ["-j"] : []) + ["-c", "-f", "-"], stdin: block.text)
                #expect(check.status == 0, "\(page.id).md:\(block.line): nft -c: \(check.stderr)")
            }
        }
    }

    @Test func everyRuleHasAPageAndEveryPageARule() async throws {
        let pageIDs = Set(try RulePage.all().map(\.id))
        let ruleIDs = Set(Self.ids)
        #expect(ruleIDs.subtracting(pageIDs).sorted() == [], "rules without a page in lint-rules/")
        #expect(pageIDs.subtracting(ruleIDs).sorted() == [], "pages in lint-rules/ without a rule")
        #expect(!Self.pages.isEmpty)
    }

    @Test func registryIsSortedWithUniqueWellFormedIDsAndNames() async {
        let metadata = RuleRegistry.all.map { $0.metadata }
        #expect(Self.ids == Self.ids.sorted(), "RuleRegistry.all must be sorted by ID")
        #expect(Set(Self.ids).count == Self.ids.count, "duplicate rule IDs")
        #expect(Set(metadata.map(\.name)).count == metadata.count, "duplicate rule names")
        for rule in metadata {
            #expect(rule.id.wholeMatch(of: /LVS[1-9][0-9][0-9]/) != nil, "\(rule.id)")
            #expect(rule.name.wholeMatch(of: /[a-z0-9]+(-[a-z0-9]+)*/) != nil, "\(rule.id) name \(rule.name) is not kebab-case")
            // Only input hygiene (LVS9xx) may apply to any input.
            #expect(!rule.inputs.isEmpty || rule.id.hasPrefix("LVS9"), "\(rule.id) declares no input")
            #expect(!rule.summary.isEmpty && !rule.summary.hasSuffix("."), "\(rule.id) summary")
        }
    }

    @Test(arguments: pages) func pageHeaderMatchesTheRule(_ page: RulePage) async throws {
        let rule = try #require(RuleRegistry.lookup(page.id)).metadata
        #expect(page.title == "# \(rule.id): \(rule.name)")
        let inputs = rule.inputs.isEmpty ? "any" : rule.inputs.map { "`\($0.description)`" }.joined(separator: ", ")
        #expect(page.factLine == "Severity: \(rule.severity.rawValue) · Inputs: \(inputs)")
        #expect(page.sections == ["What it does", "Why it matters", "Example", "Use instead", "Suppressing", "References"])
        #expect(RuleDocumentation.page(rule.id) == page.text, "the binary embeds a stale page: rebuild")
        #expect(RuleRegistry.lookup(rule.name)?.metadata.id == rule.id)
    }

    @Test(arguments: pages) func exampleFiresExactlyThisRule(_ page: RulePage) async throws {
        let blocks = try page.blocks("Example")
        try #require(!blocks.isEmpty, "\(page.id): Example has no input block")
        for alternative in RulePage.alternatives(blocks) {
            let result = try RulePage.lint(alternative)
            #expect(
                Set(result.findings.map(\.ruleID)) == [page.id],
                "\(page.id) Example: \(result.findings.map { "\($0.ruleID) \($0.message)" })")
            #expect(result.skipped.allSatisfy { $0.0.id != page.id }, "\(page.id) was skipped: its Example lacks an input")
        }
    }

    @Test(arguments: pages) func useInsteadFiresNothing(_ page: RulePage) async throws {
        let blocks = try page.blocks("Use instead")
        try #require(!blocks.isEmpty, "\(page.id): Use instead has no input block")
        for alternative in RulePage.alternatives(blocks) {
            let result = try RulePage.lint(alternative)
            #expect(
                result.findings.isEmpty,
                "\(page.id) Use instead (blocks at lines \(alternative.map(\.line))): \(result.findings.map { "\($0.ruleID) \($0.message)" })"
            )
            #expect(
                result.skipped.allSatisfy { $0.0.id != page.id },
                "\(page.id) was skipped: Use instead lacks an input, so it proves nothing")
        }
    }

    /// The Suppressing blocks replace the Example's blocks of the same input: the rule's findings
    /// are then suppressed, not gone.
    @Test(arguments: pages) func suppressingSilencesTheExample(_ page: RulePage) async throws {
        let replacements = try page.blocks("Suppressing")
        try #require(!replacements.isEmpty, "\(page.id): Suppressing has no input block")
        var blocks = try page.blocks("Example")
        for replacement in replacements {
            blocks.removeAll { $0.slot == replacement.slot }
            blocks.append(replacement)
        }
        let result = try RulePage.lint(blocks)
        #expect(result.findings.isEmpty, "\(page.id) Suppressing: \(result.findings.map { "\($0.ruleID) \($0.message)" })")
        #expect(result.suppressed.contains { $0.0.ruleID == page.id }, "\(page.id) Suppressing suppresses nothing")
        let name = RuleRegistry.lookup(page.id)?.metadata.name ?? "?"
        #expect(
            page.section("Suppressing").contains { line in
                ["disable=", "disable-file="].contains { line.1.contains($0 + page.id) || line.1.contains($0 + name) }
            })
    }

    /// A rule that needs a fact is skipped without it: its Example, stripped of the
    /// configuration, fires nothing and says which fact is missing.
    @Test(
        arguments: pages.filter { page in
            RuleRegistry.lookup(page.id)?.metadata.inputs.contains { $0.rawValue.hasPrefix("facts.") } == true
        })
    func factRulesStaySilentWithoutTheirFacts(_ page: RulePage) throws {
        let blocks = try page.blocks("Example")
        let statesTheFact = blocks.contains { $0.isConfiguration }
        #expect(statesTheFact, "\(page.id) needs a fact: its Example must state it")
        let result = try RulePage.lint(blocks.filter { !$0.isConfiguration })
        #expect(result.findings.isEmpty, "\(result.findings.map(\.message))")
        let skipped = try #require(result.skipped.first { $0.0.id == page.id })
        #expect(skipped.1.contains("facts."), "\(skipped.1)")
    }

    @Test(arguments: pages) func referencesAreGiven(_ page: RulePage) async {
        #expect(page.section("References").contains { $0.1.hasPrefix("- ") }, "\(page.id) lists no reference")
    }
}
