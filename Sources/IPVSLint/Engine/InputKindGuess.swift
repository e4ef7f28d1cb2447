/// What a file that failed to parse most likely is, from lines only one kind of input has, so
/// that the error can say which flag it belongs to ("this looks like ipvsadm-save output; give
/// it with --ipvsadm") instead of only what the parser expected at its first line.
enum InputKindGuess: Equatable {
    case ipvsadmSave
    case ipvsadmListing
    case iptablesSave
    case iptablesListing
    case nftRuleset
    /// `nft -j list ruleset`.
    case nftJSON
    case keepalived
    case sysctl

    /// The first few meaningful lines decide; nil when none is telling.
    static func guess(_ file: SourceFile) -> InputKindGuess? {
        var examined = 0
        for line in file.lines {
            let text = line.drop { $0 == " " || $0 == "\t" }
            if text.isEmpty || text.hasPrefix("#") || text.hasPrefix("!") { continue }
            examined += 1
            if examined > 20 { return nil }
            if text.hasPrefix("IP Virtual Server version") || text.hasPrefix("Prot LocalAddress:Port") { return .ipvsadmListing }
            if text.hasPrefix("Chain ") && text.contains("(policy ") || text.hasPrefix("target     prot opt") {
                return .iptablesListing
            }
            if ["*filter", "*nat", "*mangle", "*raw", "*security"].contains(String(text)) { return .iptablesSave }
            if text.hasPrefix("table ") && text.hasSuffix("{") { return .nftRuleset }
            if text.hasPrefix("{\"nftables\"") { return .nftJSON }
            let words = text.split(separator: " ", omittingEmptySubsequences: true)
            guard let first = words.first else { continue }
            if ["-A", "-a", "--add-service", "--add-server"].contains(first), words.count > 2,
                ["-t", "-u", "-f", "--sctp-service", "--tcp-service", "--udp-service", "--fwmark-service"].contains(words[1])
            {
                return .ipvsadmSave
            }
            if ["global_defs", "vrrp_instance", "virtual_server", "virtual_server_group", "vrrp_script"].contains(first) {
                return .keepalived
            }
            if words.count >= 3, words[1] == "=", first.contains("."), first.first?.isLetter == true { return .sysctl }
        }
        return nil
    }

    /// What the file seems to be, and how to give it.
    var advice: String {
        switch self {
        case .ipvsadmSave: "this looks like ipvsadm-save output: give it with --ipvsadm"
        case .ipvsadmListing:
            "this looks like ipvsadm -L output, which the linter does not read: give ipvsadm-save -n output with --ipvsadm"
        case .iptablesSave: "this looks like iptables-save output: give it with --iptables (or --ip6tables)"
        case .iptablesListing:
            "this looks like iptables -L output, which the linter does not read: give iptables-save output with --iptables"
        case .nftRuleset: "this looks like nft list ruleset: give it with --nftables"
        case .nftJSON: "this looks like nft -j list ruleset: give it with --nftables"
        case .keepalived: "this looks like keepalived.conf: give it with --keepalived"
        case .sysctl: "this looks like sysctl output: give it with --sysctl"
        }
    }

    /// Whether the role already reads this kind (the error is then a mistake in the file, not
    /// a file given with the wrong flag).
    func fits(_ role: InputRole) -> Bool {
        switch (self, role) {
        case (.ipvsadmSave, .ipvsadm), (.iptablesSave, .iptables), (.iptablesSave, .ip6tables), (.keepalived, .keepalived),
            (.sysctl, .sysctl), (.nftJSON, .nftables), (.nftRuleset, .nftables):
            true
        default: false
        }
    }
}

extension LintInputError {
    /// The error, with what the file seems to be when that is not what its flag reads.
    func advising(_ file: SourceFile, givenAs role: InputRole) -> LintInputError {
        guard let guess = InputKindGuess.guess(file), !guess.fits(role) else { return self }
        var advised = self
        advised.expected += " (\(guess.advice))"
        return advised
    }
}
