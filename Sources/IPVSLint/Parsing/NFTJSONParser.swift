/// Reads `nft -j list ruleset` (libnftables-json, schema version 1) into an ``NFTRuleset``.
///
/// What the model has a place for is read and checked: tables, chains with their hook and
/// priority, named sets and maps, rules with their matches, mark settings, verdicts and NAT.
/// Every other object, statement or expression is kept by name (``NFTRuleset/opaque``), never
/// refused: the schema grows with each nftables release. What `nft -j -f` itself would refuse
/// (a chain of a table the ruleset does not have, a rule without its chain, a family that does
/// not exist) is an error at the object's line and column.
public enum NFTJSONParser {
    public static func parse(_ file: SourceFile) throws(LintInputError) -> NFTRuleset {
        let document = try JSONDocument.parse(file)
        guard let items = document["nftables"]?.array else {
            throw LintInputError(
                document.location, found: document.kind, expected: "an object {\"nftables\": [...]} as nft -j list ruleset writes"
            )
        }
        var reader = Reader(ruleset: NFTRuleset(file: file))
        for item in items { try reader.item(item) }
        return reader.ruleset
    }

    struct Reader {
        var ruleset: NFTRuleset
        /// Where each table and chain is, so that a big ruleset (kube-proxy's nftables mode
        /// writes thousands of chains) is read in one pass, not one search per rule.
        var tablePositions: [String: Int] = [:]
        var chainPositions: [[String: Int]] = []

        mutating func opaque(_ kind: String, _ location: SourceLocation) {
            if ruleset.opaque[kind] == nil { ruleset.opaque[kind] = location }
        }

        /// An object with exactly one member, the kind: `{"rule": {...}}`.
        func kindAndBody(_ node: JSONNode, of what: String) throws(LintInputError) -> (String, JSONNode) {
            guard let members = node.members, members.count == 1 else {
                throw LintInputError(
                    node.location, found: node.kind, expected: "\(what): an object with one member naming its kind")
            }
            return (members[0].key, members[0].value)
        }

        func string(_ node: JSONNode, _ key: String, in what: String) throws(LintInputError) -> String {
            guard let value = node[key] else {
                throw LintInputError(node.location, found: "no \"\(key)\"", expected: "\(what) with its \"\(key)\"")
            }
            guard let text = value.string else {
                throw LintInputError(value.location, found: value.kind, expected: "\"\(key)\" of \(what) as a string")
            }
            return text
        }

        func family(_ node: JSONNode, in what: String) throws(LintInputError) -> NFTFamily {
            let text = try string(node, "family", in: what)
            guard let family = NFTFamily(rawValue: text) else {
                throw LintInputError(
                    node["family"]!.location, found: LintInputError.quote(text),
                    expected: "a family: ip, ip6, inet, arp, bridge or netdev")
            }
            return family
        }

        func tableIndex(_ node: JSONNode, in what: String) throws(LintInputError) -> Int {
            let family = try family(node, in: what)
            let name = try string(node, "table", in: what)
            guard let index = tablePositions[family.rawValue + " " + name] else {
                throw LintInputError(
                    node.location, found: "table \(family.rawValue) \(LintInputError.quote(name))",
                    expected: "\(what) of a table listed before it")
            }
            return index
        }

        mutating func item(_ node: JSONNode) throws(LintInputError) {
            var (kind, body) = try kindAndBody(node, of: "each element of \"nftables\"")
            // A script for `nft -j -f` wraps objects in commands; `list ruleset` does not.
            if ["add", "create", "insert"].contains(kind) { (kind, body) = try kindAndBody(body, of: "a command's object") }
            switch kind {
            case "metainfo":
                if let version = body["json_schema_version"]?.integer, version != 1 {
                    opaque("json_schema_version \(version)", body.location)
                }
            case "table":
                let family = try family(body, in: "a table")
                let name = try string(body, "name", in: "a table")
                if tablePositions[family.rawValue + " " + name] == nil {
                    tablePositions[family.rawValue + " " + name] = ruleset.tables.count
                    chainPositions.append([:])
                    ruleset.tables.append(NFTTable(family: family, name: name, location: node.location))
                }
            case "chain":
                let index = try tableIndex(body, in: "a chain")
                let name = try string(body, "name", in: "a chain")
                var base: NFTChain.Base?
                if let hook = body["hook"] {
                    guard let hookName = hook.string else {
                        throw LintInputError(hook.location, found: hook.kind, expected: "the chain's hook as a string")
                    }
                    guard let priority = body["prio"], let value = priority.integer, let prio = Int(exactly: value) else {
                        throw LintInputError(
                            body.location, found: "no integer \"prio\"", expected: "a base chain with its priority")
                    }
                    base = NFTChain.Base(
                        type: body["type"]?.string ?? "filter", hook: hookName, priority: prio, policy: body["policy"]?.string)
                    if let device = body["dev"] {
                        base?.devices = device.string.map { [$0] } ?? (device.array ?? []).compactMap(\.string)
                    }
                }
                if let existing = chainPositions[index][name] {
                    if base != nil { ruleset.tables[index].chains[existing].base = base }
                } else {
                    chainPositions[index][name] = ruleset.tables[index].chains.count
                    ruleset.tables[index].chains.append(NFTChain(name: name, location: node.location, base: base))
                }
            case "rule":
                let index = try tableIndex(body, in: "a rule")
                let chainName = try string(body, "chain", in: "a rule")
                guard let chain = chainPositions[index][chainName] else {
                    throw LintInputError(
                        node.location, found: "chain \(LintInputError.quote(chainName))",
                        expected: "a rule of a chain listed before it")
                }
                guard let expressions = body["expr"]?.array else {
                    throw LintInputError(body.location, found: "no \"expr\" array", expected: "a rule with its statements")
                }
                var statements: [NFTStatement] = []
                for statement in expressions { statements.append(try self.statement(statement)) }
                let table = ruleset.tables[index]
                ruleset.tables[index].chains[chain].rules.append(
                    NFTRule(
                        family: table.family, table: table.name, chain: chainName, location: node.location,
                        handle: body["handle"]?.unsigned, statements: statements))
            case "set", "map":
                let index = try tableIndex(body, in: "a \(kind)")
                let name = try string(body, "name", in: "a \(kind)")
                var elements: [NFTExpression] = []
                if let elem = body["elem"] {
                    for element in elem.array ?? [elem] { elements.append(try self.element(element)) }
                }
                ruleset.tables[index].sets.append(
                    NFTSet(
                        name: name, location: node.location, keyType: Self.typeText(body["type"]),
                        dataType: kind == "map" ? Self.typeText(body["map"]) : nil, elements: elements))
            default:
                opaque(kind, node.location)
            }
        }

        /// `"ipv4_addr"`, or `["ipv4_addr", "inet_service"]` for a concatenation.
        static func typeText(_ node: JSONNode?) -> String {
            guard let node else { return "" }
            if let text = node.string { return text }
            return (node.array ?? []).compactMap(\.string).joined(separator: " . ")
        }

        /// A set or map element: a value, `{"elem": {"val": …}}`, or a map's `[key, value]`.
        mutating func element(_ node: JSONNode) throws(LintInputError) -> NFTExpression {
            if let pair = node.array, pair.count == 2 {
                return .mapping(try expression(pair[0]), try expression(pair[1]))
            }
            return try expression(node)
        }

        mutating func statement(_ node: JSONNode) throws(LintInputError) -> NFTStatement {
            // nft 1.0.6 writes a statement it has no JSON form for as its text (`"jump { … }"`,
            // an anonymous chain) and warns on stderr.
            if let text = node.string {
                let kind = text.hasPrefix("jump {") || text.hasPrefix("goto {") ? "anonymous chain" : "statement as text"
                opaque(kind, node.location)
                return .other(kind)
            }
            let (kind, body) = try kindAndBody(node, of: "a statement")
            switch kind {
            case "match":
                guard let left = body["left"], let right = body["right"] else {
                    throw LintInputError(body.location, found: "a match without left or right", expected: "a match of two values")
                }
                return .match(left: try expression(left), op: body["op"]?.string ?? "==", right: try expression(right))
            case "mangle":
                guard let key = body["key"], let value = body["value"] else {
                    throw LintInputError(
                        body.location, found: "a mangle without key or value", expected: "what to set and to what")
                }
                let holder: NFTMarkHolder? =
                    key["meta"]?["key"]?.string == "mark" ? .packet : key["ct"]?["key"]?.string == "mark" ? .connection : nil
                guard let holder else {
                    opaque("mangle", node.location)
                    return .other("mangle")
                }
                return .setMark(holder, try expression(value))
            case "accept": return .verdict(.accept)
            case "drop": return .verdict(.drop)
            case "reject": return .verdict(.reject)
            case "return": return .verdict(.return)
            case "continue": return .verdict(.continue)
            case "queue": return .verdict(.queue)
            case "jump", "goto":
                let target = try string(body, "target", in: "a \(kind)")
                return .verdict(kind == "jump" ? .jump(target) : .goto(target))
            case "dnat":
                return .dnat(
                    address: try body["addr"].map { node throws(LintInputError) in try expression(node) },
                    port: try body["port"].map { node throws(LintInputError) in try expression(node) })
            case "redirect":
                return .redirect(port: try body["port"].map { node throws(LintInputError) in try expression(node) })
            case "vmap":
                guard let key = body["key"], let data = body["data"] else {
                    throw LintInputError(body.location, found: "a vmap without key or data", expected: "a lookup key and a map")
                }
                return .verdictMap(key: try expression(key), data: try expression(data))
            default:
                opaque(kind, node.location)
                return .other(kind)
            }
        }

        mutating func expression(_ node: JSONNode) throws(LintInputError) -> NFTExpression {
            switch node.value {
            case .number(let text):
                if let value = UInt64(text) { return .number(value) }
                return .text(text)
            case .string(let text):
                return text.hasPrefix("@") ? .reference(String(text.dropFirst())) : .text(text)
            case .bool(let value):
                return .text(value ? "true" : "false")
            case .null:
                return .other("null")
            case .array(let items):
                var values: [NFTExpression] = []
                for item in items { values.append(try element(item)) }
                return .set(values)
            case .object:
                break
            }
            let (kind, body) = try kindAndBody(node, of: "an expression")
            switch kind {
            case "payload":
                if let proto = body["protocol"]?.string, let field = body["field"]?.string {
                    return .payload(protocol: proto, field: field)
                }
                return .other("payload")
            case "meta":
                return .meta(try string(body, "key", in: "a meta expression"))
            case "ct":
                let key = try string(body, "key", in: "a ct expression")
                let parts = [body["dir"]?.string, body["family"]?.string, key].compactMap { $0 }
                return .conntrack(parts.joined(separator: " "))
            case "prefix":
                guard let address = body["addr"], let length = body["len"]?.integer, let bits = Int(exactly: length) else {
                    throw LintInputError(
                        body.location, found: "a prefix without addr or len", expected: "an address and a length")
                }
                return .prefix(try expression(address), length: bits)
            case "range":
                guard let ends = body.array, ends.count == 2 else {
                    throw LintInputError(body.location, found: body.kind, expected: "a range of two values")
                }
                return .range(try expression(ends[0]), try expression(ends[1]))
            case "set":
                var values: [NFTExpression] = []
                for item in body.array ?? [body] { values.append(try element(item)) }
                return .set(values)
            case "concat":
                var values: [NFTExpression] = []
                for item in body.array ?? [] { values.append(try expression(item)) }
                return .concatenation(values)
            case "map":
                guard let key = body["key"], let data = body["data"] else {
                    throw LintInputError(body.location, found: "a map without key or data", expected: "a lookup key and a map")
                }
                return .map(key: try expression(key), data: try expression(data))
            case "elem":
                guard let value = body["val"] else {
                    throw LintInputError(body.location, found: "an element without val", expected: "an element's value")
                }
                return try expression(value)
            case "&", "|", "^", "<<", ">>":
                guard let operands = body.array, operands.count == 2 else {
                    throw LintInputError(body.location, found: body.kind, expected: "two operands of \(kind)")
                }
                return .binary(kind, try expression(operands[0]), try expression(operands[1]))
            case "accept", "drop", "continue", "return":
                return .text(kind)
            case "jump", "goto":
                return .text("\(kind) \(body["target"]?.string ?? "")")
            default:
                opaque(kind, node.location)
                return .other(kind)
            }
        }
    }
}
