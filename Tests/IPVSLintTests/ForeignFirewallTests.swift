import Testing

@testable import IPVSLint

/// A director that is also a Kubernetes node or a Docker host: kube-proxy's and Docker's own
/// marks, DNATs and stateful rules are not about IPVS and draw no IPVS finding, while the same
/// kind of rule aimed at a VIP, a real server or a service's mark still does.
@Suite struct ForeignFirewallTests {
    static let director = """
        -A -t 192.0.2.10:80 -s wlc
        -a -t 192.0.2.10:80 -r 10.0.0.11:80 -m -w 1
        -A -f 1 -s wlc
        -a -f 1 -r 10.0.0.11:0 -m -w 1
        """

    /// Written as kube-proxy (iptables mode) and Docker write them, with the director's own MARK
    /// rule for its fwmark service.
    static let mangle = """
        *mangle
        -A PREROUTING -d 192.0.2.10/32 -p tcp -m tcp --dport 443 -j MARK --set-xmark 0x1/0xffffffff
        COMMIT

        """

    static let node =
        mangle + """
            *nat
            :PREROUTING ACCEPT [0:0]
            :INPUT ACCEPT [0:0]
            :OUTPUT ACCEPT [0:0]
            :POSTROUTING ACCEPT [0:0]
            :KUBE-MARK-MASQ - [0:0]
            :KUBE-POSTROUTING - [0:0]
            :KUBE-SERVICES - [0:0]
            :KUBE-SVC-WEB - [0:0]
            :KUBE-SEP-WEB1 - [0:0]
            -A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
            -A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
            -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
            -A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000
            -A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
            -A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0
            -A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully
            -A KUBE-SERVICES -d 10.96.0.10/32 -p tcp -m comment --comment "default/web cluster IP" -m tcp --dport 80 -j KUBE-SVC-WEB
            -A KUBE-SVC-WEB -m comment --comment "default/web" -j KUBE-SEP-WEB1
            -A KUBE-SEP-WEB1 -s 10.244.1.5/32 -j KUBE-MARK-MASQ
            -A KUBE-SEP-WEB1 -p tcp -m tcp -j DNAT --to-destination 10.244.1.5:8080
            COMMIT
            *filter
            :INPUT ACCEPT [0:0]
            :FORWARD DROP [0:0]
            :OUTPUT ACCEPT [0:0]
            :DOCKER - [0:0]
            -A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
            -A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
            COMMIT
            """

    static func findings(_ firewall: String) throws -> [String] {
        var set = InputSet()
        try set.add(SourceFile(name: "rules.ipvs", text: Self.director), as: .ipvsadm)
        try set.add(SourceFile(name: "iptables.save", text: firewall), as: .iptables)
        try set.add(
            SourceFile(name: "sysctl.conf", text: "net.ipv4.vs.conntrack = 0\nnet.ipv4.ip_forward = 1\n"), as: .sysctl(host: nil))
        return set.lint().findings.map { "\($0.ruleID) \($0.location)" }
    }

    @Test func kubernetesAndDockerRulesDrawNoIPVSFinding() throws {
        #expect(try Self.findings(Self.node) == [])
    }

    /// The same kinds of rule, aimed at the director's own traffic, are still found.
    @Test(arguments: [
        (
            "*nat\n-A PREROUTING -d 192.0.2.10/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.0.0.12:80\nCOMMIT\n",
            "LVS509"
        ),
        (
            "*nat\n:KUBE-SVC-X - [0:0]\n-A PREROUTING -d 192.0.2.10/32 -p tcp -j KUBE-SVC-X\n-A KUBE-SVC-X -p tcp -m tcp -j DNAT --to-destination 10.0.0.12:80\nCOMMIT\n",
            "LVS509"
        ),
        ("*nat\n-A POSTROUTING -d 10.0.0.0/24 -j MASQUERADE\nCOMMIT\n", "LVS513"),
        ("*nat\n-A PREROUTING -d 192.0.2.10/32 -p tcp -m tcp --dport 443 -j MARK --set-xmark 0x1/0xffffffff\nCOMMIT\n", "LVS503"),
    ])
    func rulesAimedAtTheDirectorAreStillFound(_ extra: String, _ rule: String) throws {
        let found = try Self.findings(Self.mangle + extra)
        #expect(found.contains { $0.hasPrefix(rule + " ") }, "\(found)")
    }

    /// LVS501 on a mistyped mark points at the MARK rule that sets a mark no service has: the
    /// likely typo, as a related location and in the message.
    @Test func unfedMarkPointsAtTheLikelyTypo() throws {
        var set = InputSet()
        try set.add(SourceFile(name: "rules.ipvs", text: "-A -f 5 -s rr\n-a -f 5 -r 10.0.1.1:0 -m\n"), as: .ipvsadm)
        try set.add(
            SourceFile(
                name: "iptables.save",
                text:
                    "*mangle\n-A PREROUTING -d 10.0.0.1/32 -p tcp -m tcp --dport 443 -j MARK --set-xmark 0x6/0xffffffff\nCOMMIT\n"
            ),
            as: .iptables)
        let finding = try #require(set.lint().findings.first)
        #expect(finding.ruleID == "LVS501")
        #expect(finding.related.map(\.description) == ["iptables.save:2:1"])
        #expect(finding.message.contains("sets mark 6, which no service has: a typo for 5?"))
    }
}
