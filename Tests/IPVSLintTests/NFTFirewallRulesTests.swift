import Foundation
import IPVSTestSupport
import Testing

@testable import IPVSLint

/// The firewall rules on nftables rulesets: the layouts directors use (a native table,
/// keepalived's `nftables_ipvs` maps, firewalld's zone chains, nftlb's verdict maps) and the
/// semantics that differ from iptables (each base chain decides alone, a map lookup only
/// applies to its keys), read from `nft list ruleset` text.
@Suite struct NFTFirewallRulesTests {
    static let services = """
        -A -t 192.0.2.10:80 -s wlc
        -a -t 192.0.2.10:80 -r 10.0.0.11:80 -g -w 1
        -A -t 192.0.2.11:80 -s wlc
        -a -t 192.0.2.11:80 -r 10.0.0.12:80 -g -w 1

        """
    static let withMark = services + "-A -f 1000 -s rr\n-a -f 1000 -r 10.0.0.13:0 -g -w 1\n"

    static func lint(_ nft: String, ipvsadm: String = services, iptables: String? = nil) throws -> [Finding] {
        var set = InputSet()
        try set.add(SourceFile(name: "rules.ipvs", text: ipvsadm), as: .ipvsadm)
        try set.add(SourceFile(name: "ruleset.nft", text: nft), as: .nftables)
        if let iptables { try set.add(SourceFile(name: "iptables.save", text: iptables), as: .iptables) }
        return set.lint().findings
    }

    static func summary(_ findings: [Finding]) -> [String] {
        findings.map { "\($0.ruleID) \($0.location.line)" }.sorted()
    }

    /// keepalived's layout (check_nftables.c): a map of VIP . port to marks looked up in an
    /// input chain at priority -1, before IPVS at 99.
    static let keepalived = """
        table ip keepalived_ipvs {
        	map tcp_map {
        		type ipv4_addr . inet_service : mark
        		elements = { 192.0.2.20 . 80 : 0x000003e8, 192.0.2.21 . 80 : 0x000003e8 }
        	}
        	chain in {
        		type filter hook input priority PRIORITY; policy accept;
        		meta mark set ip daddr . tcp dport map @tcp_map
        	}
        }

        """

    @Test func keepalivedMapsFeedTheirServiceBeforeIPVS() throws {
        #expect(try Self.lint(Self.keepalived.replacingOccurrences(of: "PRIORITY", with: "-1"), ipvsadm: Self.withMark).isEmpty)
        let late = try Self.lint(Self.keepalived.replacingOccurrences(of: "PRIORITY", with: "100"), ipvsadm: Self.withMark)
        #expect(Self.summary(late) == ["LVS502 5"])
        #expect(late.first?.message.contains("nftables ip keepalived_ipvs in (line 8) at input priority 100") == true)
    }

    /// A map element for an address service's VIP and port hands its packets to the mark's
    /// service (LVS514); one for another port does not.
    @Test func aMapElementForAnAddressServiceShadowsIt() throws {
        let nft = Self.keepalived.replacingOccurrences(of: "PRIORITY", with: "-1")
            .replacingOccurrences(of: "192.0.2.21 . 80", with: "192.0.2.10 . 80")
        let findings = try Self.lint(nft, ipvsadm: Self.withMark)
        #expect(Self.summary(findings) == ["LVS514 1"])
        #expect(findings.first?.message.contains("TCP 192.0.2.10:80 never sees its packets") == true)
        let otherPort = Self.keepalived.replacingOccurrences(of: "PRIORITY", with: "-1")
            .replacingOccurrences(of: "192.0.2.21 . 80", with: "192.0.2.10 . 8080")
        #expect(try Self.lint(otherPort, ipvsadm: Self.withMark).isEmpty)
    }

    /// firewalld's zone chains: an interface dispatch that may or may not match before the
    /// catch-all goto decides nothing; the zone's allow chain decides, and its final reject
    /// blocks what it does not allow.
    static func firewalld(allowed: String) -> String {
        """
        table inet firewalld {
        	chain mangle_PREROUTING {
        		type filter hook prerouting priority mangle + 10; policy accept;
        		jump mangle_PREROUTING_ZONES
        	}
        	chain mangle_PREROUTING_ZONES {
        		iifname "eth0" goto mangle_PRE_public
        		goto mangle_PRE_public
        	}
        	chain mangle_PRE_public {
        		jump mangle_PRE_public_allow
        	}
        	chain mangle_PRE_public_allow {
        		ip daddr 192.0.2.30 tcp dport 443 meta mark set 0x000003e8
        	}
        	chain filter_INPUT {
        		type filter hook input priority filter + 10; policy accept;
        		ct state { established, related } accept
        		ct status dnat accept
        		iifname "lo" accept
        		jump filter_INPUT_ZONES
        		reject with icmpx admin-prohibited
        	}
        	chain filter_INPUT_ZONES {
        		iifname "eth0" goto filter_IN_public
        		goto filter_IN_public
        	}
        	chain filter_IN_public {
        		jump filter_IN_public_allow
        		meta l4proto { icmp, ipv6-icmp } accept
        	}
        	chain filter_IN_public_allow {
        		tcp dport 22 accept
        		tcp dport { \(allowed) } accept
        	}
        }

        """
    }

    @Test func firewalldZonesAreFollowed() throws {
        #expect(try Self.lint(Self.firewalld(allowed: "80, 443"), ipvsadm: Self.withMark).isEmpty)
        let findings = try Self.lint(Self.firewalld(allowed: "443"), ipvsadm: Self.withMark)
        #expect(Self.summary(findings) == ["LVS510 22", "LVS510 22"])
        #expect(
            findings.allSatisfy {
                $0.message.contains("nftables inet firewalld filter_INPUT (line 22) rejects traffic to TCP 192.0.2.1")
            })
    }

    /// An accept ends one base chain, not the packet's way: a drop in a later base chain at the
    /// same hook still drops.
    @Test func eachBaseChainDecidesAlone() throws {
        let nft = """
            table inet a {
            	chain input {
            		type filter hook input priority 0; policy accept;
            		tcp dport 80 accept
            	}
            }
            table inet b {
            	chain input {
            		type filter hook input priority 10; policy accept;
            		ip daddr 192.0.2.11 drop
            	}
            	chain late {
            		type filter hook input priority 100; policy drop;
            	}
            }

            """
        let findings = try Self.lint(nft)
        #expect(Self.summary(findings) == ["LVS510 10"])
        #expect(findings.first?.message.contains("TCP 192.0.2.11:80") == true)
    }

    /// `dnat to ip daddr map { … }` rewrites only the addresses it lists.
    @Test func aDNATMapRewritesOnlyItsKeys() throws {
        let nft = """
            table ip nat {
            	chain prerouting {
            		type nat hook prerouting priority dstnat; policy accept;
            		tcp dport 80 dnat to ip daddr map { 192.0.2.11 : 10.9.9.9, 198.51.100.1 : 10.9.9.8 }
            	}
            }

            """
        let findings = try Self.lint(nft)
        #expect(Self.summary(findings) == ["LVS509 4"])
        #expect(findings.first?.message.contains("dnat rewrites traffic to TCP 192.0.2.11:80") == true)
    }

    /// nftlb (Tests/Fixtures/corpus/nftables): services chosen by a verdict map keyed on the
    /// destination, marks chosen per connection and restored. Nothing is too broad.
    @Test func nftlbLayoutIsNotTooBroad() throws {
        let text = try String(
            contentsOfFile: Fixtures.path("corpus/nftables/nftlb--001_snat_ipv4_tcp_weight.nft"), encoding: .utf8)
        let ipvsadm = "-A -f 2147483649 -s rr\n-a -f 2147483649 -r 10.0.0.11:0 -m -w 1\n"
        let findings = try Self.lint(text, ipvsadm: ipvsadm)
        #expect(
            !findings.contains { ["LVS501", "LVS502", "LVS503", "LVS506"].contains($0.ruleID) }, "\(findings.map(\.message))")
    }

    /// On an iptables-nft host the same table is in both dumps: it counts once, from nftables;
    /// a table only iptables-save shows (iptables-legacy's) is still read, and so is a legacy
    /// table beside a native one of the same name (whose chains are not iptables').
    @Test func nftablesOwnsTheTablesItShows() throws {
        let iptables = """
            *raw
            :PREROUTING ACCEPT [0:0]
            :OUTPUT ACCEPT [0:0]
            -A PREROUTING -d 192.0.2.10/32 -p tcp -m tcp --dport 80 -j DROP
            COMMIT
            *filter
            :INPUT ACCEPT [0:0]
            :FORWARD ACCEPT [0:0]
            :OUTPUT ACCEPT [0:0]
            -A INPUT -d 192.0.2.11/32 -p tcp -m tcp --dport 80 -j DROP
            COMMIT

            """
        let nft = """
            table ip filter {
            	chain INPUT {
            		type filter hook input priority filter; policy accept;
            		ip daddr 192.0.2.11 tcp dport 80 counter packets 0 bytes 0 drop
            	}
            	chain FORWARD {
            		type filter hook forward priority filter; policy accept;
            	}
            	chain OUTPUT {
            		type filter hook output priority filter; policy accept;
            	}
            }

            """
        var set = InputSet()
        try set.add(SourceFile(name: "rules.ipvs", text: Self.services), as: .ipvsadm)
        try set.add(SourceFile(name: "ruleset.nft", text: nft), as: .nftables)
        try set.add(SourceFile(name: "iptables.save", text: iptables), as: .iptables)
        let result = set.lint()
        let drops = result.findings.filter { $0.ruleID == "LVS510" }.map { "\($0.location.file):\($0.location.line)" }
        #expect(drops.sorted() == ["iptables.save:4", "ruleset.nft:4"])
        #expect(result.unread.map(\.0) == ["iptables table filter: read from nftables ip filter instead"])
        // A native `table ip filter` of its own beside iptables-legacy's filter: both are read.
        var legacy = InputSet()
        try legacy.add(SourceFile(name: "rules.ipvs", text: Self.services), as: .ipvsadm)
        try legacy.add(
            SourceFile(name: "ruleset.nft", text: nft.replacingOccurrences(of: "chain INPUT", with: "chain input")), as: .nftables
        )
        try legacy.add(SourceFile(name: "iptables.save", text: iptables), as: .iptables)
        let both = legacy.lint().findings.filter { $0.ruleID == "LVS510" }.map { "\($0.location.file):\($0.location.line)" }
        #expect(both.sorted() == ["iptables.save:10", "iptables.save:4", "ruleset.nft:4"])
    }

    /// nft -j lists iptables-nft's MARK target as a bare `xt` statement (nft 1.0.6, for
    /// `iptables-nft -t mangle -A PREROUTING -d 10.0.0.104/32 -p tcp -m tcp --dport 443 -j MARK
    /// --set-mark 4` in a fresh namespace): that table is read from iptables-save, which shows it.
    @Test func tablesNftListsAsXtAreReadFromIPTablesSave() throws {
        let json = """
            {"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}}, \
            {"table": {"family": "ip", "name": "mangle", "handle": 1}}, {"chain": {"family": "ip", "table": "mangle", \
            "name": "PREROUTING", "handle": 1, "type": "filter", "hook": "prerouting", "prio": -150, "policy": "accept"}}, \
            {"rule": {"family": "ip", "table": "mangle", "chain": "PREROUTING", "handle": 2, "expr": [{"match": {"op": "==", \
            "left": {"payload": {"protocol": "ip", "field": "daddr"}}, "right": "10.0.0.104"}}, {"match": {"op": "==", \
            "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 443}}, {"counter": {"packets": 0, \
            "bytes": 0}}, {"xt": {"type": "target", "name": "MARK"}}]}}]}
            """
        let iptables = """
            *mangle
            :PREROUTING ACCEPT [0:0]
            -A PREROUTING -d 10.0.0.104/32 -p tcp -m tcp --dport 443 -j MARK --set-xmark 0x4/0xffffffff
            COMMIT

            """
        var set = InputSet()
        try set.add(SourceFile(name: "rules.ipvs", text: "-A -f 4 -s rr\n-a -f 4 -r 172.16.1.11:0 -m -w 1\n"), as: .ipvsadm)
        try set.add(SourceFile(name: "live:nft", text: json), as: .nftables)
        try set.add(SourceFile(name: "live:iptables-save", text: iptables), as: .iptables)
        let result = set.lint()
        #expect(result.findings.isEmpty, "\(result.findings.map(\.message))")
        #expect(
            result.unread.map(\.0).contains(
                "nftables ip mangle: read from iptables-save instead (nft lists its rules as xt extensions)"))
    }

    /// What keepalived 2.2.7 itself built in the lab for nftables_ipvs (Tests/Fixtures/lint/
    /// nftables/keepalived-2.2.7.*): its map feeds the service it made, in text and in JSON, and
    /// its configuration says the same without the listing.
    @Test(arguments: ["keepalived-2.2.7.nft", "keepalived-2.2.7.json"])
    func keepalivedsOwnTableFeedsItsService(_ listing: String) throws {
        let ipvsadm = "-A -f 1000 -s rr\n-a -f 1000 -r 172.16.1.11:80 -m -w 1\n-a -f 1000 -r 172.16.2.11:80 -m -w 1\n"
        let text = try Fixtures.text("lint/nftables/" + listing)
        #expect(try Self.lint(text, ipvsadm: ipvsadm).isEmpty)
        // The same table at priority 100 (text: `filter - 1` in the chain's type line).
        let late =
            listing.hasSuffix(".nft")
            ? text.replacingOccurrences(of: "priority filter - 1;", with: "priority 100;")
            : text.replacingOccurrences(of: "\"prio\": -1", with: "\"prio\": 100")
        #expect(try Self.lint(late, ipvsadm: ipvsadm).map(\.ruleID) == ["LVS502"])
    }

    /// A chain the linter cannot decide (an rpfilter `fib` match) does not hide a later base
    /// chain that certainly drops.
    @Test func anUndecidedChainDoesNotHideALaterDrop() throws {
        let nft = """
            table inet t {
            	chain pre {
            		type filter hook prerouting priority -150; policy accept;
            		fib saddr . iif oif missing drop
            	}
            	chain in {
            		type filter hook input priority 0; policy drop;
            		tcp dport 22 accept
            	}
            }

            """
        let findings = try Self.lint(nft)
        #expect(findings.map(\.ruleID) == ["LVS510", "LVS510"])
        #expect(findings.allSatisfy { $0.severity == .error && $0.message.contains("nftables inet t in") })
    }

    /// kube-proxy's nftables mode: endpoints are reached through a verdict map keyed on the
    /// service's address, protocol and port; a VIP that is not a key never gets there.
    @Test func aVerdictMapOnlyLeadsItsKeysOn() throws {
        let nft = """
            table ip kube-proxy {
            	map service-ips {
            		type ipv4_addr . inet_proto . inet_service : verdict
            		elements = { 172.30.0.10 . tcp . 443 : goto svc-a, 192.0.2.11 . tcp . 80 : goto svc-b }
            	}
            	chain nat-prerouting {
            		type nat hook prerouting priority dstnat; policy accept;
            		jump services
            	}
            	chain services {
            		ip daddr . meta l4proto . th dport vmap @service-ips
            	}
            	chain svc-a {
            		numgen random mod 1 vmap { 0 : goto ep-a }
            	}
            	chain ep-a {
            		meta l4proto tcp dnat to 10.244.0.5:6443
            	}
            	chain svc-b {
            		meta l4proto tcp dnat to 10.244.0.6:80
            	}
            }

            """
        let findings = try Self.lint(nft)
        #expect(findings.map(\.ruleID) == ["LVS509"])
        #expect(findings.first?.message.contains("svc-b") == true && findings.first?.message.contains("192.0.2.11:80") == true)
    }

    /// Chains that jump to each other many times over are walked once each: 4^12 ways through
    /// twelve levels would not finish otherwise.
    @Test func branchingJumpsAreWalkedOnce() throws {
        var chains = ""
        for level in 0..<12 {
            let next = "c\(level + 1)"
            chains += "\tchain c\(level) {\n"
            for source in 1...4 { chains += "\t\tip saddr 198.51.100.\(source) jump \(next)\n" }
            chains += "\t}\n"
        }
        let nft = """
            table inet t {
            	chain in {
            		type filter hook input priority 0; policy accept;
            		jump c0
            	}
            \(chains)	chain c12 {
            		ip daddr 192.0.2.10 drop
            	}
            }

            """
        let findings = try Self.lint(nft)
        #expect(findings.map(\.ruleID) == ["LVS510"] && findings.first?.severity == .info, "\(findings.map(\.message))")
    }

    /// An ingress chain bound to one interface does not see what arrives on the others.
    @Test func aDeviceBoundChainDecidesNothingAlone() throws {
        let nft = """
            table netdev m {
            	chain in {
            		type filter hook ingress device "eth1" priority 0; policy drop;
            		tcp dport 22 accept
            	}
            }

            """
        let findings = try Self.lint(nft)
        #expect(findings.count == 2 && findings.allSatisfy { $0.ruleID == "LVS510" && $0.severity == .info })
        #expect(findings.first?.message.contains("bound to eth1 only") == true)
    }

    /// A verdict between two mark rules keeps some packets from the second: not overridden.
    @Test func aVerdictBetweenMarkRulesKeepsTheFirst() throws {
        let marks = "-A -f 1 -s rr\n-a -f 1 -r 10.0.0.11:0 -g -w 1\n-A -f 2 -s rr\n-a -f 2 -r 10.0.0.12:0 -g -w 1\n"
        func ruleset(_ between: String) -> String {
            """
            table ip m {
            	chain pre {
            		type filter hook prerouting priority mangle; policy accept;
            		ip daddr 192.0.2.50 meta mark set 1
            		\(between)
            		ip daddr 192.0.2.50 meta mark set 2
            	}
            }

            """
        }
        let lvs505 = { (text: String) throws -> Int in
            try Self.lint(text, ipvsadm: marks).filter { $0.ruleID == "LVS505" }.count
        }
        #expect(try lvs505(ruleset("counter")) == 1)
        #expect(try lvs505(ruleset("ip daddr 192.0.2.50 tcp dport 443 accept")) == 0)
        #expect(try lvs505(ruleset("counter").replacingOccurrences(of: "set 2", with: "set 2 limit rate 10/second")) == 0)
    }
}
