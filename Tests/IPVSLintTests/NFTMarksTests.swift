import Foundation
import IPVSTestSupport
import Testing

@testable import IPVSLint

/// LVS501 with an `nft -j list ruleset` (Tests/Fixtures/lint/nftables/director.json, listed by
/// nft 1.0.6): marks set by constants, map lookups, jumps and restored connection marks feed
/// firewall-mark services, where IPVS sees them and for the families the table covers.
@Suite struct NFTMarksTests {
    static func lvs501(_ ipvsadm: String, nftables: String? = nil, rule: String = "LVS501") throws -> [Finding] {
        var set = InputSet()
        try set.add(SourceFile(name: "rules.ipvs", text: ipvsadm), as: .ipvsadm)
        let json = try nftables ?? Fixtures.text("lint/nftables/director.json")
        try set.add(SourceFile(name: "ruleset.json", text: json), as: .nftables)
        return set.lint().findings.filter { $0.ruleID == rule }
    }

    static func service(_ mark: Int, ipv6: Bool = false) -> String {
        "-A -f \(mark)\(ipv6 ? " -6" : "") -s rr\n-a -f \(mark)\(ipv6 ? " -6" : "") -r \(ipv6 ? "[2001:db8::11]" : "10.0.0.11"):0 -g -w 1\n"
    }

    /// 1: a constant after a set match; 2 and 3: values of the map `marks`; 9: a chain the
    /// prerouting chain jumps to.
    @Test(arguments: [1, 2, 3, 9])
    func marksTheRulesetSetsFeedTheirServices(_ mark: Int) throws {
        #expect(try Self.lvs501(Self.service(mark)).isEmpty)
    }

    @Test func aMarkNobodySetsIsReportedWithTheNearMiss() throws {
        let findings = try Self.lvs501(Self.service(5))
        let finding = try #require(findings.first)
        #expect(findings.count == 1)
        #expect(finding.message.hasPrefix("no nftables rule (meta mark set) sets mark 5 (0x5) for FWM 5 in ruleset.json"))
        #expect(
            finding.message.contains("nftables ip mangle_lvs pre (handle 7) sets mark 1, which no service has: a typo for 5?"))
        // nft -j writes one line: the column tells the rule's object apart.
        let text = try Fixtures.text("lint/nftables/director.json")
        let firstRule = try #require(text.range(of: #"{"rule""#)).lowerBound
        #expect(finding.related.first?.line == 1)
        #expect(finding.related.first?.column == text.utf8.distance(from: text.startIndex, to: firstRule) + 1)
    }

    /// A `table ip` does not see IPv6 packets: the mark is the other family's (LVS507).
    @Test func anIPTableDoesNotMarkIPv6() throws {
        #expect(try Self.lvs501(Self.service(1, ipv6: true)).isEmpty)
        let mismatch = try Self.lvs501(Self.service(1, ipv6: true), rule: "LVS507")
        #expect(mismatch.count == 1)
        #expect(mismatch.first?.message.contains("a table of family ip that sees only IPv4 packets") == true)
        #expect(try Self.lvs501(Self.service(4, ipv6: true)).count == 1)
    }

    static func ruleset(hook: String, priority: Int, statements: String, extra: String = "") -> String {
        """
        {"nftables": [
          {"table": {"family": "inet", "name": "lb"}},
          {"chain": {"family": "inet", "table": "lb", "name": "c", "type": "filter", "hook": "\(hook)", "prio": \(priority), "policy": "accept"}},
          {"rule": {"family": "inet", "table": "lb", "chain": "c", "expr": [\(statements)]}}\(extra)
        ]}
        """
    }

    static let setMark7 = #"{"mangle": {"key": {"meta": {"key": "mark"}}, "value": 7}}"#

    /// IPVS schedules at LOCAL_IN priority 99 and LOCAL_OUT -98: a mark set later is too late,
    /// which LVS502 reports (LVS501 is for marks nothing sets).
    @Test(arguments: [
        ("prerouting", -150, true), ("input", 0, true), ("input", 98, true), ("input", 99, false), ("input", 150, false),
        ("output", -150, true), ("output", -98, false), ("forward", -150, false), ("postrouting", -150, false),
    ])
    func onlyHooksBeforeIPVSCount(_ hook: String, _ priority: Int, _ seen: Bool) throws {
        let json = Self.ruleset(hook: hook, priority: priority, statements: Self.setMark7)
        // An inet table marks both families.
        for ipv6 in [false, true] {
            #expect(try Self.lvs501(Self.service(7, ipv6: ipv6), nftables: json).isEmpty)
            let late = try Self.lvs501(Self.service(7, ipv6: ipv6), nftables: json, rule: "LVS502")
            #expect(late.count == (seen ? 0 : 1))
            #expect(late.allSatisfy { $0.message.contains("nftables inet lb c (line 4) at \(hook) priority \(priority)") })
        }
    }

    /// `meta mark set ct mark` restores what `ct mark set` stored; `meta mark | N` sets bits.
    @Test func restoredAndOredMarks() throws {
        let restore = #"{"mangle": {"key": {"meta": {"key": "mark"}}, "value": {"ct": {"key": "mark"}}}}"#
        let store =
            #", {"chain": {"family": "inet", "table": "lb", "name": "s"}}, {"rule": {"family": "inet", "table": "lb", "chain": "s", "expr": [{"mangle": {"key": {"ct": {"key": "mark"}}, "value": 7}}]}}"#
        #expect(
            try Self.lvs501(
                Self.service(7), nftables: Self.ruleset(hook: "prerouting", priority: -150, statements: restore, extra: store)
            ).isEmpty)
        #expect(
            try Self.lvs501(Self.service(7), nftables: Self.ruleset(hook: "prerouting", priority: -150, statements: restore))
                .count == 1)
        let or = #"{"mangle": {"key": {"meta": {"key": "mark"}}, "value": {"|": [{"meta": {"key": "mark"}}, 4]}}}"#
        #expect(
            try Self.lvs501(Self.service(4), nftables: Self.ruleset(hook: "prerouting", priority: -150, statements: or)).isEmpty)
        #expect(
            try Self.lvs501(Self.service(3), nftables: Self.ruleset(hook: "prerouting", priority: -150, statements: or)).count
                == 1)
    }

    /// A chain reached only through a verdict map counts; a masked set keeps other programs' bits.
    @Test func verdictMapsAndMaskedSets() throws {
        let vmap =
            #"{"vmap": {"key": {"payload": {"protocol": "tcp", "field": "dport"}}, "data": {"set": [[80, {"jump": {"target": "m"}}]]}}}"#
        let marking =
            #", {"chain": {"family": "inet", "table": "lb", "name": "m"}}, {"rule": {"family": "inet", "table": "lb", "chain": "m", "expr": [{"mangle": {"key": {"meta": {"key": "mark"}}, "value": 7}}]}}"#
        let viaMap = Self.ruleset(hook: "prerouting", priority: -150, statements: vmap, extra: marking)
        #expect(try Self.lvs501(Self.service(7), nftables: viaMap).isEmpty)
        let masked =
            #"{"mangle": {"key": {"meta": {"key": "mark"}}, "value": {"|": [{"&": [{"meta": {"key": "mark"}}, 4294901760]}, 5]}}}"#
        let keepHigh = Self.ruleset(hook: "prerouting", priority: -150, statements: masked)
        #expect(try Self.lvs501(Self.service(5), nftables: keepHigh).isEmpty)
        #expect(try Self.lvs501(Self.service(6), nftables: keepHigh).count == 1)
    }

    /// An inet table marking both families feeds an IPv6 service, whatever iptables (IPv4) does:
    /// no LVS507 "only set for the other family".
    @Test func inetTableFeedsBothFamiliesForLVS507() throws {
        var set = InputSet()
        try set.add(SourceFile(name: "rules.ipvs", text: Self.service(7, ipv6: true)), as: .ipvsadm)
        try set.add(
            SourceFile(name: "iptables.save", text: "*mangle\n-A PREROUTING -j MARK --set-xmark 0x7/0xffffffff\nCOMMIT\n"),
            as: .iptables)
        try set.add(
            SourceFile(name: "ruleset.json", text: Self.ruleset(hook: "prerouting", priority: -150, statements: Self.setMark7)),
            as: .nftables)
        #expect(set.lint().findings.filter { ["LVS501", "LVS507"].contains($0.ruleID) }.isEmpty)
    }
}
