import Foundation
import IPVSModel
import IPVSTestSupport
import Testing

@testable import IPVSLint

/// The structures that make big inputs fast must give exactly the answers of the slow, obvious
/// way: the fast reader of saved lines, the destination index, the address set.
@Suite struct ScaleStructureTests {
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state
        }
    }

    /// A rules file with every command that depends on earlier lines (edits, deletions,
    /// duplicates, servers before their service).
    static func bigRulesFile(lines count: Int, seed: UInt64) -> String {
        var random = Generator(state: seed)
        var out = ""
        var services: [String] = []
        for number in 0..<count {
            let roll = Int.random(in: 0..<100, using: &random)
            let service =
                services.isEmpty || roll < 8
                ? "-t 10.\(number / 65536 % 256).\(number / 256 % 256).\(number % 256):\(80 + roll % 3)"
                : services.randomElement(using: &random)!
            let server =
                "-r 172.16.\(Int.random(in: 0..<4, using: &random)).\(Int.random(in: 1..<6, using: &random)):\(8080 + roll % 2)"
            switch roll {
            case 0..<8:
                out += "-A \(service) -s wlc\n"
                services.append(service)
            case 8: out += "-A \(service) -s rr\n"  // a duplicate, or a service no -a refers to yet
            case 9: out += "-E \(service) -s sh -p 60\n"
            case 10: out += "-D \(service)\n"
            case 11: out += "-d \(service) \(server)\n"
            case 12: out += "-e \(service) \(server) -m -w 7\n"
            case 13: out += "-a -t 192.0.2.\(roll):80 \(server) -m\n"  // no such service
            default: out += "-a \(service) \(server) \(["-m", "-g", "-i"][roll % 3]) -w \(roll)\n"
            }
        }
        return out
    }

    static func summary(_ configuration: IPVSConfiguration) -> [String] {
        configuration.services.map { service in
            "\(service.identity) \(service.effectiveScheduler) \(service.persistence?.value ?? -1) @\(service.location.line): "
                + service.realServers.map {
                    "\($0.address):\($0.effectivePort?.description ?? "-") \($0.forwarding) w\($0.weightValue) @\($0.location.line)"
                }.joined(separator: ", ")
        } + configuration.duplicateServices.map { "dup \($0.0.identity) @\($0.0.location.line) first \($0.first.line)" }
            + configuration.duplicateRealServers.map { "dup rs \($0.1.address) @\($0.1.location.line) first \($0.first.line)" }
            + configuration.orphanRealServers.map { "orphan \($0.0) \($0.1.addressText) @\($0.1.location.line)" }
    }

    static func parsed(_ file: SourceFile, fastPath: Bool) throws(LintInputError) -> IPVSConfiguration {
        var state = IPVSAdmRulesParser.State(file: file, names: .none)
        state.fastPath = fastPath
        for (index, line) in file.lines.enumerated() { try state.consume(line, number: index + 1) }
        return state.configuration
    }

    /// Everything a real server carries, locations included.
    static func servers(_ configuration: IPVSConfiguration) -> [String] {
        configuration.services.flatMap { service in
            service.realServers.map { server in
                "\(service.identity) \(server.address) \(server.addressText) \(String(describing: server.writtenPort)) \(String(describing: server.effectivePort)) "
                    + "\(server.forwarding) \(String(describing: server.weight)) \(server.location) \(server.location.endColumn ?? 0) "
                    + "\(server.addressLocation) \(server.addressLocation.endColumn ?? 0) \(server.tunnelType == nil)"
            }
        }
    }

    /// The fast reader of saved `-a` lines gives what the general reader gives, on real saves
    /// and on generated ones with every kind of line.
    @Test func savedLineFastPathAgreesWithTheGeneralReader() async throws {
        var inputs = [
            SourceFile(name: "s-n", text: try Fixtures.capture("ipvsadm-S-n.txt")),
            SourceFile(name: "big", text: Self.bigRulesFile(lines: 3_000, seed: 5)),
            SourceFile(
                name: "odd",
                text:
                    "-A -t 10.0.0.1:80 -s rr\n-a  -t\t10.0.0.1:80   -r 10.0.0.2:8080 -m -w 3 \n-a -t 10.0.0.1:80 -r 10.0.0.3 -g -w 1\n-a -t 10.0.0.1:80 -r [2001:db8::1]:80 -i -w 1\n"
            ),
        ]
        for setup in ["correct", "broken-arp-sysctls", "broken-fwmark-no-mark-rule", "broken-dr-port-kernel"] {
            inputs.append(SourceFile(name: setup, text: try Fixtures.text("lab/lint-inputs/\(setup)/ipvsadm-save-n.txt")))
        }
        for file in inputs {
            let fast = try Self.parsed(file, fastPath: true)
            let general = try Self.parsed(file, fastPath: false)
            #expect(Self.servers(fast) == Self.servers(general), "\(file.name)")
            #expect(Self.summary(fast) == Self.summary(general), "\(file.name)")
            #expect(!fast.services.flatMap(\.realServers).isEmpty)
        }
    }

    @Test func crlfFilesReadLikeLFFiles() async throws {
        let lf = "-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.2:8080 -g\n"
        let crlf = lf.replacingOccurrences(of: "\n", with: "\r\n")
        #expect(SourceFile(name: "x", text: crlf).lines == SourceFile(name: "x", text: lf).lines)
        let a = try IPVSAdmRulesParser.parse(SourceFile(name: "a", text: crlf))
        #expect(a.services.first?.realServers.first?.writtenPort == .number(8080))
    }

    static func randomAddress(_ random: inout Generator, ipv6: Bool) -> IPAddress {
        ipv6
            ? IPAddress(
                ipv6High: 0x2001_0db8_0000_0000 | UInt64.random(in: 0..<4, using: &random) << 16,
                low: UInt64.random(in: 0..<64, using: &random))
            : IPAddress(ipv4: 0x0A00_0000 | UInt32.random(in: 0..<512, using: &random))
    }

    static func randomMatch(_ random: inout Generator) -> AddressMatch? {
        let ipv6 = Int.random(in: 0..<4, using: &random) == 0
        switch Int.random(in: 0..<10, using: &random) {
        case 0: return nil
        case 1: return AddressMatch(negated: false, networks: nil, text: "host.example")
        default:
            let width = ipv6 ? 128 : 32
            let networks = (0..<Int.random(in: 1...2, using: &random)).map { _ in
                AddressMatch.Network(
                    address: randomAddress(&random, ipv6: ipv6),
                    prefixLength: [width, width, width - 1, width - 4, width - 8, 0].randomElement(using: &random)!)
            }
            return AddressMatch(negated: Int.random(in: 0..<5, using: &random) == 0, networks: networks, text: "")
        }
    }

    static func rule(_ destination: AddressMatch?) -> IPTablesRule {
        var rule = IPTablesRule(table: "filter", chain: "INPUT", location: SourceLocation(file: "t", line: 1), text: "")
        rule.destination = destination
        return rule
    }

    @Test func destinationIndexAgreesWithScanning() async {
        var random = Generator(state: 42)
        let rules = (0..<400).map { _ in Self.rule(Self.randomMatch(&random)) }
        let index = DestinationIndex(rules)
        for _ in 0..<500 {
            let address = Self.randomAddress(&random, ipv6: Bool.random(using: &random))
            let naming = rules.indices.filter { position in
                guard let match = rules[position].destination, let networks = match.networks else { return false }
                return networks.contains { $0.contains(address) }
            }
            #expect(index.signature(address) == naming, "\(address)")
            let mayApply = rules.indices.filter { position in
                guard let match = rules[position].destination, let networks = match.networks else { return true }
                return networks.contains { $0.contains(address) } != match.negated
            }
            let candidates = Set(index.candidates(excludingUnconstrained: address) + index.unconstrained)
            #expect(Set(mayApply).isSubset(of: candidates), "\(address): the index lost a rule")
        }
    }

    @Test func addressSetAgreesWithScanning() async {
        var random = Generator(state: 7)
        let addresses = (0..<300).map { _ in Self.randomAddress(&random, ipv6: Bool.random(using: &random)) }
        let set = AddressSet(addresses)
        for _ in 0..<2000 {
            guard let match = Self.randomMatch(&random) else { continue }
            let expected = addresses.contains { IPTablesRule.addressResult(match, $0) != .never }
            #expect(set.mayMatch(match) == expected, "\(match)")
        }
    }
}
