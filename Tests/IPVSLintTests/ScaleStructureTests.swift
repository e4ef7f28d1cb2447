import Foundation
import IPVS
@testable import IPVSLint
import IPVSTestSupport
import Testing

/// The structures that make big inputs fast must give exactly the answers of the slow, obvious
/// way: the chunked parse of a big rules file, the destination index, the address set.
@Suite struct ScaleStructureTests {
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state
        }
    }

    /// A rules file past the chunking threshold, with every command that depends on earlier
    /// lines (edits, deletions, duplicates, servers before their service).
    static func bigRulesFile(lines count: Int, seed: UInt64) -> String {
        var random = Generator(state: seed)
        var out = ""
        var services: [String] = []
        for number in 0..<count {
            let roll = Int.random(in: 0..<100, using: &random)
            let service = services.isEmpty || roll < 8
                ? "-t 10.\(number / 65536 % 256).\(number / 256 % 256).\(number % 256):\(80 + roll % 3)" : services.randomElement(using: &random)!
            let server = "-r 172.16.\(Int.random(in: 0..<4, using: &random)).\(Int.random(in: 1..<6, using: &random)):\(8080 + roll % 2)"
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

    static func sequential(_ file: SourceFile) throws(LintInputError) -> IPVSConfiguration {
        var state = IPVSAdmRulesParser.State(file: file, names: .none)
        for (index, line) in file.lines.enumerated() { try state.consume(line, number: index + 1) }
        return state.configuration
    }

    static func summary(_ configuration: IPVSConfiguration) -> [String] {
        configuration.services.map { service in
            "\(service.identity) \(service.schedulerName) \(service.persistence?.value ?? -1) @\(service.location.line): "
                + service.realServers.map { "\($0.address):\($0.effectivePort?.description ?? "-") \($0.forwarding) w\($0.weightValue) @\($0.location.line)" }.joined(separator: ", ")
        } + configuration.duplicateServices.map { "dup \($0.0.identity) @\($0.0.location.line) first \($0.first.line)" }
            + configuration.duplicateRealServers.map { "dup rs \($0.1.address) @\($0.1.location.line) first \($0.first.line)" }
            + configuration.orphanRealServers.map { "orphan \($0.0) \($0.1.addressText) @\($0.1.location.line)" }
    }

    @Test(arguments: [UInt64(1), 2]) func chunkedParseEqualsLineByLine(_ seed: UInt64) throws {
        let file = SourceFile(name: "big.ipvs", text: Self.bigRulesFile(lines: 21_000, seed: seed))
        let chunked = try IPVSAdmRulesParser.parse(file)
        let serial = try Self.sequential(file)
        #expect(Self.summary(chunked) == Self.summary(serial))
        #expect(chunked.services.count > 100 && !chunked.orphanRealServers.isEmpty && !chunked.duplicateRealServers.isEmpty)
    }

    /// Two bad lines in different chunks: the first one is reported, as ipvsadm -R would stop
    /// there.
    @Test func chunkedParseReportsTheFirstBadLine() throws {
        var lines = Self.bigRulesFile(lines: 21_000, seed: 9).split(separator: "\n").map(String.init)
        lines[19_000] = "-A -t 10.0.0.1:80 --bogus"
        lines[12_345] = "-a -t 10.0.0.1:80 -r 10.0.0.2 -w heavy"
        let file = SourceFile(name: "big.ipvs", text: lines.joined(separator: "\n") + "\n")
        #expect(throws: LintInputError.self) { try IPVSAdmRulesParser.parse(file) }
        do {
            _ = try IPVSAdmRulesParser.parse(file)
        } catch {
            #expect(error.location.line == 12_346)
            #expect(error.expected.contains("a weight"))
        }
    }

    @Test func crlfFilesReadLikeLFFiles() throws {
        let lf = "-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.2:8080 -g\n"
        let crlf = lf.replacingOccurrences(of: "\n", with: "\r\n")
        #expect(SourceFile(name: "x", text: crlf).lines == SourceFile(name: "x", text: lf).lines)
        let a = try IPVSAdmRulesParser.parse(SourceFile(name: "a", text: crlf))
        #expect(a.services.first?.realServers.first?.writtenPort == .number(8080))
    }

    static func randomAddress(_ random: inout Generator, ipv6: Bool) -> IPAddress {
        ipv6
            ? IPAddress(ipv6High: 0x2001_0db8_0000_0000 | UInt64.random(in: 0..<4, using: &random) << 16, low: UInt64.random(in: 0..<64, using: &random))
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
                    address: randomAddress(&random, ipv6: ipv6), prefixLength: [width, width, width - 1, width - 4, width - 8, 0].randomElement(using: &random)!)
            }
            return AddressMatch(negated: Int.random(in: 0..<5, using: &random) == 0, networks: networks, text: "")
        }
    }

    static func rule(_ destination: AddressMatch?) -> IPTablesRule {
        var rule = IPTablesRule(table: "filter", chain: "INPUT", location: SourceLocation(file: "t", line: 1), text: "")
        rule.destination = destination
        return rule
    }

    @Test func destinationIndexAgreesWithScanning() {
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

    @Test func addressSetAgreesWithScanning() {
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
