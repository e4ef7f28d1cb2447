/// keepalived's lexical layer: conditional lines, definitions, ~SEQ/~LST.
///
/// Reproduces what keepalived 2.2.7 (lib/parser.c, `read_line`) makes of each line before its
/// keywords are parsed, as its checker process sees it: the process that configures IPVS. That
/// process does not read keepalived.conf but the copy the parent process writes while reading it
/// (`conf_copy`): every line with its comment removed, a blank or comment line or an include line
/// left empty, each included file in place. So every line is decommented twice: `\#` and `\!`
/// (which the first pass turns into `#` and `!`) start a comment for the checker, and a blank or
/// comment line inside a multi-line definition ends it there, as an empty line does everywhere.
/// Both passes are run; an error of either is thrown, as keepalived reports both.
///
/// What a line becomes, in keepalived's order:
/// - Comments: `#` or `!` outside "quotes" start one; `\#` and `\!` escape them; leading and
///   trailing blanks are removed. An unterminated quote is an error. A line ending in `\` keeps it.
/// - `@ID rest` is kept (as `rest`) only when ID is the config id, `@^ID rest` only when it is not;
///   blanks after the id are dropped, and a line with nothing after the id is dropped.
/// - `$NAME=value` (no blank before `=`; NAME is letters, digits and `_`, not starting with a
///   digit) defines NAME, for the whole configuration, included files too. A value ending in `\`
///   goes on over the following lines, up to one without `\`, or an empty line. Values are
///   substituted when used, not when defined.
/// - `$NAME` (followed by a blank, `,`, `)` or the end) and `${NAME}` are replaced anywhere in a
///   line, again and again, so values may refer to others; an undefined name stays as written. A
///   multi-line definition is replaced only at the end of a line; its further lines follow.
///   Predefined: `${_INSTANCE}` (the config id), `${_PWD}`, `${_RANDOM [MIN [MAX]]}`,
///   `${_HASH}` (`#`) and `${_BANG}` (`!`).
/// - `~SEQ(VAR, [START,] [STEP,] END) rest` and `~SEQx(…)` (hexadecimal) repeat `rest` with `$VAR`
///   defined as each number (and left defined after); `~LST(VAR, A, B, …) rest` and
///   `~LST({V1, V2}, {A1, A2}, …) rest` with each value or set of values. `rest` may itself be a
///   `~SEQ`: the innermost varies fastest.
/// - `{` and `}` (outside quotes) split a line: `a { b }` is the lines `a`, `{`, `b`, `}`, and
///   each part after the first is read again as a line (`x { @ID y` is conditional).
/// - A line longer than 1023 bytes is read in pieces of 1023 bytes (keepalived reads into a buffer
///   of 1024), and substitution stops (the rest of the line kept as written) where a line would
///   grow past 1023 bytes.
///
/// Deterministic stand-ins: `${_RANDOM MIN MAX}` is MIN (keepalived takes `random()`, here as if
/// it returned 0: the value is cut to as many characters as MAX has digits, as keepalived does);
/// `${_PWD}` is the directory of the file as the linter was given its name (keepalived: the
/// absolute, symlink-free working directory it changed into), "." for a bare file name.
///
/// Slips of 2.2.7 that decide what it reads are reproduced: a definition that expands to `@ID …`
/// at the start of a line is stripped with the line's length before substitution (`$C x` with
/// `$C=@vm` reads `xvm x`); `${_RANDOM MIN MAX}` in mid-line leaves the rest of its reference
/// behind; `${NAME  }` replaces only `${NAME `.
///
/// Include lines (`include`, `includer`, … and a glob) are yielded for the caller to read: read
/// the file, through this same preprocessor, before going on with the lines after the include
/// line. An include line that expansion produces (`@ID include …`, one from a `~SEQ`) is yielded
/// once, where keepalived's parent process reads it; keepalived 2.2.7's checker then reads such a
/// file a second time, from disk, which is not reproduced. Several includes from one line are
/// yielded last-first, as keepalived stacks them.
///
/// The lines yielded are what keepalived's keyword parser splits into words: decommented (a `#`
/// left in one is literal: the tokenizer must not strip comments again) and trimmed.
///
/// Hostile input is an error where keepalived loops, crashes or corrupts its memory, and bounded
/// beyond what a real configuration needs: see the `maximum…` bounds. Brace balance (keepalived's
/// "Extra '}' found") is left to the parser.
struct KeepalivedPreprocessor: Sendable {
    #if FUZZING
        // The fuzz build (`Fuzz/run.sh`) lowers the three expansion bounds 32 to 512 times: a
        // 4 KiB input that expands to millions of lines took 600 ms, and the few such inputs in
        // the corpus took half of the fuzzer's time. The paths past each bound are the same code.
        static let maximumLinesPerLine = 2_048
        static let maximumStepsPerLine = 8_192
        static let maximumExpandedLines = 8_192
    #else
        /// The most lines one physical line may yield.
        static let maximumLinesPerLine = 65_536
        /// The most lines one physical line may produce, yielded or not (a `~SEQ` of definitions
        /// yields none).
        static let maximumStepsPerLine = 262_144
        /// The most lines ~SEQ, ~LST and multi-line definitions may produce in all, over the
        /// whole configuration.
        static let maximumExpandedLines = 4_194_304
    #endif
    /// How deep definitions may be nested: `$A` whose value holds `$B` is 2 deep. keepalived
    /// replaces a definition that refers to itself forever (when the value is no longer than the
    /// reference) or until the line is full.
    static let maximumDepth = 32
    /// keepalived's line buffer holds 1023 bytes.
    static let lineCapacity = 1023

    /// Which of keepalived's readings of the configuration the lines are.
    enum Reading: Sendable {
        /// The checker process's, which configures IPVS: of the parent's decommented copy.
        case checker
        /// The parent process's, of the files themselves (it reads global_defs): `\#` and `\!`
        /// are a literal `#` and `!`, and a comment line does not end a multi-line definition.
        case parent
    }

    /// The id `@ID` lines are compared with.
    let configID: String
    let reading: Reading
    /// keepalived's parent process: reads the file, decides which files are included.
    private var parent: Engine
    /// keepalived's checker process: reads the parent's copy; its lines are the ones yielded.
    private var checker: Engine

    /// - Parameter configID: keepalived's `--config-id`; nil for keepalived's default,
    ///   ``defaultConfigID()`` (this host's name up to its first dot).
    /// - Parameter expandedLineBound: ``maximumExpandedLines``, lower in tests.
    init(configID: String?, reading: Reading = .checker, expandedLineBound: Int = Self.maximumExpandedLines) {
        let id = configID ?? Self.defaultConfigID()
        self.configID = id
        self.reading = reading
        parent = Engine(configID: Array(id.utf8), expandedLineBound: expandedLineBound)
        checker = parent
    }

    /// One physical line in, the logical lines it yields out (zero when it is a definition, a line
    /// of a multi-line definition or a conditional line for another id; several for ~SEQ, ~LST, a
    /// multi-line definition or braces). All of them come from line `number` of `file`.
    mutating func lines(from line: Substring, file: SourceFile, number: Int) throws(LintInputError) -> [String] {
        if parent.isIdle && checker.isIdle, let plain = Self.plainLines(line) { return plain }
        return try readLines(from: line, file: file, number: number)
    }

    /// Whether ``lines(from:file:number:)`` would yield `line` as written: no definition,
    /// conditional, sequence, quote, escape or include in it, and none going on. Its words are
    /// then the written ones, columns and all, and the caller need not split what it yields
    /// again; for any other line, ``readLines(from:file:number:)`` is what
    /// ``lines(from:file:number:)`` does.
    func passesThrough(_ line: Substring) -> Bool {
        parent.isIdle && checker.isIdle && Self.plainLines(line) != nil
    }

    /// ``lines(from:file:number:)`` the long way, for any line.
    mutating func readLines(from line: Substring, file: SourceFile, number: Int) throws(LintInputError) -> [String] {
        let place = Place(file: file, number: number, line: line)
        var units: [Unit] = []
        units.reserveCapacity(line.utf8.count)
        for (offset, byte) in line.utf8.enumerated() {
            units.append(Unit(byte: byte, depth: 0, origin: UInt32(clamping: offset)))
        }
        parent.beginLine()
        checker.beginLine()
        var result: [String] = []
        for piece in Self.pieces(of: units) {
            guard !piece.isEmpty else {
                // An empty line: written to the copy as one.
                parent.emptyLine()
                checker.emptyLine()
                continue
            }
            let decommented = try Self.decomment(piece, place)
            var includes: [[Unit]] = []
            if !decommented.isEmpty {
                for output in try parent.process(decommented, place) {
                    if Self.isInclude(output) {
                        includes.append(output)
                    } else if reading == .parent {
                        result.append(Self.text(output))
                    }
                }
            }
            let copy = Self.isInclude(decommented) ? [] : decommented
            for copied in Self.pieces(of: copy) {
                guard let first = copied.first else {
                    checker.emptyLine()
                    continue
                }
                if first.byte == Byte.hash || first.byte == Byte.bang {
                    // At the backslash, just before.
                    var backslash = first
                    backslash.origin = max(first.origin, 1) - 1
                    throw place.error(
                        at: backslash, found: LintInputError.quote(place.line),
                        expected:
                            "no line starting with \\# or \\! (keepalived 2.2.7 copies it unescaped, and its checker process reads it as a marker of included files: it skips lines or crashes)"
                    )
                }
                let again = try Self.decomment(copied, place)
                guard !again.isEmpty else { continue }
                for output in try checker.process(again, place) where reading == .checker && !Self.isInclude(output) {
                    result.append(Self.text(output))
                }
            }
            for include in includes.reversed() {
                result.append(Self.text(include))
            }
            guard result.count <= Self.maximumLinesPerLine else {
                throw place.error(
                    at: nil, found: "more than \(Self.maximumLinesPerLine) lines from one line",
                    expected: "at most \(Self.maximumLinesPerLine) lines from one line (~SEQ, ~LST and definitions)")
            }
        }
        return result
    }

    /// End of a file. Nothing is pending between lines but a multi-line definition, and keepalived
    /// carries that on into the lines after the include line (or ends it at the end of the
    /// configuration): so nothing happens here.
    mutating func finish(_ file: SourceFile) throws(LintInputError) {}

    // MARK: Lines as keepalived reads them

    /// The lines of a line with nothing in it for the preprocessor (no `$`, `@`, `~`, quote or
    /// backslash, shorter than a buffer, no include), when nothing is pending: the line without
    /// its comment and blanks, split at braces. Nil for any other line. Most lines are such lines.
    static func plainLines(_ line: Substring) -> [String]? {
        let bytes = Array(line.utf8)
        guard bytes.count < lineCapacity else { return nil }
        var end = bytes.count
        for (index, byte) in bytes.enumerated() {
            switch byte {
            case Byte.dollar, Byte.at, Byte.tilde, Byte.quote, Byte.backslash, 0, Byte.carriageReturn: return nil
            case Byte.hash, Byte.bang: end = min(end, index)
            default: break
            }
        }
        var start = 0
        var lines: [String] = []
        while true {
            while start < end && Byte.isBlank(bytes[start]) { start += 1 }
            while end > start && Byte.isBlank(bytes[end - 1]) { end -= 1 }
            guard start < end else { return lines }
            if bytes[start] == Byte.openBrace || bytes[start] == Byte.closeBrace {
                lines.append(String(decoding: bytes[start...start], as: UTF8.self))
                start += 1
                continue
            }
            // What follows a brace at the start may be an include line: the long way reads it.
            if bytes[start...].starts(with: "include".utf8) { return nil }
            var brace = start
            while brace < end && bytes[brace] != Byte.openBrace && bytes[brace] != Byte.closeBrace { brace += 1 }
            var headEnd = brace
            while headEnd > start && Byte.isBlank(bytes[headEnd - 1]) { headEnd -= 1 }
            lines.append(String(decoding: bytes[start..<headEnd], as: UTF8.self))
            start = brace
        }
    }

    /// A byte of a line, with how deep in definitions it comes from and the byte offset in the
    /// physical line it stands for (the reference, for the bytes of a definition's value).
    struct Unit: Sendable {
        var byte: UInt8
        var depth: UInt8
        var origin: UInt32
    }

    enum Byte {
        static let space = UInt8(ascii: " ")
        static let tab = UInt8(ascii: "\t")
        static let newline = UInt8(ascii: "\n")
        static let carriageReturn = UInt8(ascii: "\r")
        static let hash = UInt8(ascii: "#")
        static let bang = UInt8(ascii: "!")
        static let quote = UInt8(ascii: "\"")
        static let backslash = UInt8(ascii: "\\")
        static let dollar = UInt8(ascii: "$")
        static let at = UInt8(ascii: "@")
        static let caret = UInt8(ascii: "^")
        static let tilde = UInt8(ascii: "~")
        static let equals = UInt8(ascii: "=")
        static let openBrace = UInt8(ascii: "{")
        static let closeBrace = UInt8(ascii: "}")
        static let openParenthesis = UInt8(ascii: "(")
        static let closeParenthesis = UInt8(ascii: ")")
        static let comma = UInt8(ascii: ",")
        static let underscore = UInt8(ascii: "_")

        static func isBlank(_ byte: UInt8) -> Bool { byte == space || byte == tab }
        /// C's isspace.
        static func isSpace(_ byte: UInt8) -> Bool { byte == space || (byte >= 0x09 && byte <= 0x0D) }
        static func isAlpha(_ byte: UInt8) -> Bool { (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") }
        static func isNameByte(_ byte: UInt8) -> Bool { isAlpha(byte) || isDigit(byte) || byte == underscore }
    }

    static func text(_ units: some Sequence<Unit>) -> String {
        String(decoding: units.lazy.map(\.byte), as: UTF8.self)
    }

    /// Where a line came from, for errors.
    struct Place {
        let file: SourceFile
        let number: Int
        let line: Substring

        /// At the physical byte `unit` stands for (the line's start without one).
        func error(at unit: Unit?, found: String, expected: String) -> LintInputError {
            let utf8 = line.utf8
            let offset = min(Int(unit?.origin ?? 0), utf8.count)
            let index = utf8.index(utf8.startIndex, offsetBy: offset)
            let column = line[..<index].count + 1
            return LintInputError(SourceLocation(file: file.id, line: number, column: column), found: found, expected: expected)
        }
    }

    /// The pieces fgets(3) reads a line (and its newline) in, with keepalived's buffer: at most
    /// 1023 bytes each, so a line of exactly 1023 bytes is followed by an empty one. Each ends at
    /// its first NUL and loses trailing CRs.
    static func pieces(of line: [Unit]) -> [[Unit]] {
        var result: [[Unit]] = []
        var start = 0
        while true {
            let end = min(start + lineCapacity, line.count)
            var piece = Array(line[start..<end])
            if let nul = piece.firstIndex(where: { $0.byte == 0 }) { piece.removeSubrange(nul...) }
            while let last = piece.last, last.byte == Byte.carriageReturn || last.byte == Byte.newline { piece.removeLast() }
            result.append(piece)
            // The newline is the line's last byte: a piece that ends short of the capacity holds it.
            if line.count + 1 - start <= lineCapacity { break }
            start += lineCapacity
        }
        return result
    }

    /// Removes the comment (from `#` or `!` outside quotes), the backslash of `\#` and `\!`
    /// outside quotes, and leading and trailing blanks, keeping a final `\` (even one in the
    /// comment). An unterminated quote is an error.
    static func decomment(_ text: [Unit], _ place: Place) throws(LintInputError) -> [Unit] {
        var text = text
        let leading = text.prefix(while: { Byte.isBlank($0.byte) }).count
        if leading > 0 { text.removeFirst(leading) }
        var quote: Unit?
        var comment: Int?
        var continuation: Unit?
        var index = 0
        scan: while index < text.count {
            switch text[index].byte {
            case Byte.quote:
                if comment == nil { quote = quote == nil ? text[index] : nil }
                index += 1
            case Byte.backslash:
                guard index + 1 < text.count else {
                    continuation = text[index]
                    text.removeLast()
                    break scan
                }
                let next = text[index + 1].byte
                if quote == nil && (next == Byte.hash || next == Byte.bang) {
                    text.remove(at: index)
                    index += 1
                } else {
                    index += 2
                }
            case Byte.hash, Byte.bang:
                if quote == nil && comment == nil { comment = index }
                index += 1
            default:
                index += 1
            }
        }
        if let quote {
            throw place.error(
                at: quote, found: "a quote without its closing quote", expected: "a closing \" on the same line")
        }
        if let comment { text.removeSubrange(comment...) }
        while let last = text.last, Byte.isBlank(last.byte) { text.removeLast() }
        if let continuation { text.append(continuation) }
        return text
    }

    /// keepalived's `include`, `includer`, `includem`, `includew`, `includeb` and `includea`.
    static func isInclude(_ text: [Unit]) -> Bool {
        let word = Array("include".utf8)
        guard text.count > word.count, zip(text, word).allSatisfy({ $0.byte == $1 }) else { return false }
        if Byte.isSpace(text[7].byte) { return true }
        return text.count > 8 && Byte.isSpace(text[8].byte) && Array("rmwba".utf8).contains(text[7].byte)
    }

    // MARK: The reader

    /// A definition: `$NAME=value`, a ~SEQ or ~LST variable, or a predefined one.
    struct Definition: Sendable {
        enum Builtin: Sendable { case workingDirectory, instance, random }

        var value: [UInt8] = []
        /// Lines after the first follow a newline in `value`. A ~SEQ or ~LST variable that
        /// overrides a multi-line definition keeps the flag, as in keepalived.
        var multiline = false
        var builtin: Builtin?
        /// `${_RANDOM MIN MAX}` takes two; overriding it keeps them, as in keepalived.
        var maximumParameters = 0
    }

    /// A ~SEQ or ~LST being repeated.
    struct Repetition: Sendable {
        enum Values: Sendable {
            case numbers(variable: [UInt8], next: Int, step: Int, remaining: Int, hexadecimal: Bool)
            case list(variables: [[UInt8]], sets: [[[UInt8]]], next: Int)
        }

        var values: Values
        var text: [Unit]
    }

    /// The further lines of a multi-line definition being replaced.
    struct Expansion: Sendable {
        var value: [UInt8]
        var offset: Int
        var origin: UInt32
        var depth: UInt8
    }

    /// A reference found in a line.
    struct Reference {
        var name: [UInt8]
        var nameLength: Int
        var braces: Bool
        /// Offsets of the first and last digits of `${_RANDOM MIN MAX}`'s parameters.
        var parameters: (first: Int, last: Int)?
    }

    /// keepalived's `read_line` and its state: definitions, repetitions, the multi-line
    /// definition being read or replaced, and the rest of a line split at a brace.
    struct Engine: Sendable {
        let configID: [UInt8]
        var definitions: [[UInt8]: Definition]
        /// The last is repeated first.
        var repetitions: [Repetition] = []
        /// How many repetitions there were when the multi-line definition being replaced began:
        /// older ones wait until its lines are done.
        var multilineRepetitionDepth = 0
        var expansion: Expansion?
        var expansionStack: [(expansion: Expansion, repetitionDepth: Int)] = []
        var residue: [Unit]?
        /// The multi-line definition being read.
        var defining: [UInt8]?
        var steps = 0
        var outputs = 0
        var expandedLines = 0
        let expandedLineBound: Int

        init(configID: [UInt8], expandedLineBound: Int) {
            self.configID = configID
            self.expandedLineBound = expandedLineBound
            definitions = [
                Array("_PWD".utf8): Definition(builtin: .workingDirectory),
                Array("_INSTANCE".utf8): Definition(builtin: .instance),
                Array("_RANDOM".utf8): Definition(builtin: .random, maximumParameters: 2),
                Array("_HASH".utf8): Definition(value: [Byte.hash]),
                Array("_BANG".utf8): Definition(value: [Byte.bang]),
            ]
        }

        /// Nothing pending: the next line starts afresh.
        var isIdle: Bool { residue == nil && repetitions.isEmpty && expansion == nil && defining == nil }

        mutating func beginLine() {
            steps = 0
            outputs = 0
        }

        /// An empty physical line ends a multi-line definition.
        mutating func emptyLine() {
            guard let name = defining else { return }
            defining = nil
            if definitions[name]?.value.isEmpty == true { definitions[name]?.multiline = false }
        }

        /// A decommented, non-empty line read from the file, and every line it leads to.
        mutating func process(_ line: [Unit], _ place: Place) throws(LintInputError) -> [[Unit]] {
            var pending: [Unit]? = line
            var output: [[Unit]] = []
            while true {
                var buffer: [Unit]
                if let residue {
                    buffer = residue
                    self.residue = nil
                } else if !repetitions.isEmpty && repetitions.count > multilineRepetitionDepth {
                    buffer = nextRepetition()
                    try countExpanded(buffer, place)
                } else if expansion != nil {
                    buffer = nextExpansionLine()
                    try countExpanded(buffer, place)
                } else if let line = pending {
                    buffer = line
                    pending = nil
                } else {
                    break
                }
                steps += 1
                guard steps <= KeepalivedPreprocessor.maximumStepsPerLine else {
                    throw place.error(
                        at: buffer.first, found: "more than \(KeepalivedPreprocessor.maximumStepsPerLine) lines from one line",
                        expected:
                            "at most \(KeepalivedPreprocessor.maximumStepsPerLine) lines from one line (~SEQ, ~LST and definitions)"
                    )
                }
                if defining != nil {
                    continueDefinition(buffer)
                    continue
                }
                // keepalived's `len`: set here, and not when substitution changes the line.
                var length = UInt(buffer.count)
                if buffer.isEmpty { continue }
                var again: Bool
                repeat {
                    again = false
                    if buffer.first?.byte == Byte.at {
                        guard let kept = try conditional(buffer, length: &length, place) else {
                            buffer = []
                            break
                        }
                        buffer = kept
                    }
                    if buffer.first?.byte == Byte.dollar && define(buffer) {
                        buffer = []
                        break
                    }
                    if startsRepetition(buffer) {
                        try addRepetition(buffer, place)
                        buffer = []
                        break
                    }
                    if buffer.first?.byte == Byte.tilde { break }
                    if buffer.contains(where: { $0.byte == Byte.dollar }) {
                        var pointer = expansion
                        let changed = try substitute(
                            &buffer, limit: KeepalivedPreprocessor.lineCapacity + 1, pointer: &pointer, place)
                        expansion = pointer
                        guard changed else { break }
                        buffer = try KeepalivedPreprocessor.decomment(buffer, place)
                        again = buffer.first?.byte == Byte.at || buffer.contains(where: { $0.byte == Byte.dollar })
                    }
                } while again
                if buffer.isEmpty { continue }
                if KeepalivedPreprocessor.isInclude(buffer) {
                    try emit(buffer, into: &output, place)
                    continue
                }
                try emit(splitAtBrace(buffer), into: &output, place)
            }
            return output
        }

        mutating func emit(_ line: [Unit], into output: inout [[Unit]], _ place: Place) throws(LintInputError) {
            outputs += 1
            guard outputs <= KeepalivedPreprocessor.maximumLinesPerLine else {
                throw place.error(
                    at: line.first, found: "more than \(KeepalivedPreprocessor.maximumLinesPerLine) lines from one line",
                    expected:
                        "at most \(KeepalivedPreprocessor.maximumLinesPerLine) lines from one line (~SEQ, ~LST and definitions)")
            }
            output.append(line)
        }

        mutating func countExpanded(_ line: [Unit], _ place: Place) throws(LintInputError) {
            expandedLines += 1
            guard expandedLines <= expandedLineBound else {
                throw place.error(
                    at: line.first, found: "more than \(expandedLineBound) lines from ~SEQ, ~LST and definitions",
                    expected: "at most \(expandedLineBound) such lines in a configuration")
            }
        }

        /// The part before the first brace outside quotes (or the brace, at the start), trimmed;
        /// what follows becomes `residue`, read next as a line of its own.
        mutating func splitAtBrace(_ line: [Unit]) -> [Unit] {
            var brace: Int?
            if line[0].byte == Byte.openBrace || line[0].byte == Byte.closeBrace {
                brace = 0
            } else {
                var index = 0
                while index < line.count {
                    let byte = line[index].byte
                    if byte == Byte.openBrace || byte == Byte.closeBrace {
                        brace = index
                        break
                    }
                    if byte == Byte.quote {
                        // An unpaired quote: keepalived stops looking.
                        guard let close = line[(index + 1)...].firstIndex(where: { $0.byte == Byte.quote }) else { break }
                        index = close
                    }
                    index += 1
                }
            }
            var head = line
            if let brace {
                var end = brace
                if brace == 0 {
                    end = 1
                    while end < line.count && Byte.isBlank(line[end].byte) { end += 1 }
                }
                if end < line.count {
                    var rest = Array(line[end...])
                    while let last = rest.last, Byte.isBlank(last.byte) { rest.removeLast() }
                    residue = rest
                    head = Array(line[..<end])
                }
            }
            while let last = head.last, Byte.isBlank(last.byte) { head.removeLast() }
            return head
        }

        // MARK: Conditional lines

        /// `@ID rest` or `@^ID rest`: `rest` when kept, nil when dropped. Removes the prefix as
        /// keepalived does, with the length it took when the line was read: after a substitution
        /// that made the line longer, that keeps part of the line twice (`$C x` with C=`@ID`
        /// gives `xID x`), or overruns keepalived's buffer.
        func conditional(_ line: [Unit], length: inout UInt, _ place: Place) throws(LintInputError) -> [Unit]? {
            let reverse = line.count > 1 && line[1].byte == Byte.caret
            let idStart = reverse ? 2 : 1
            guard idStart <= line.count, let blank = line[idStart...].firstIndex(where: { Byte.isBlank($0.byte) }) else {
                return nil
            }
            let matches = line[idStart..<blank].elementsEqual(configID, by: { $0.byte == $1 })
            guard matches != reverse else { return nil }
            var start = blank
            while start < line.count && Byte.isBlank(line[start].byte) { start += 1 }
            let newLength = length &- UInt(start)
            let copied = newLength &+ 1
            if copied == 0 {
                // keepalived's length wrapped round to its largest value: it moves nothing.
                length = newLength
                return line
            }
            guard copied <= UInt(KeepalivedPreprocessor.lineCapacity + 1 - start) else {
                throw place.error(
                    at: line.first, found: "a definition that expands to the conditional \(LintInputError.quote(text(line)))",
                    expected:
                        "an @ID prefix written in the line, or a definition that does not lengthen it (keepalived 2.2.7 overruns its buffer)"
                )
            }
            length = newLength
            let count = Int(newLength)
            if start + count >= line.count { return Array(line[start...]) }
            return Array(line[start...(start + count)]) + Array(line[(count + 1)...])
        }

        // MARK: Definitions

        /// `$NAME=value`: records it and returns true; false when the line is not one.
        mutating func define(_ line: [Unit]) -> Bool {
            guard line.count >= 2, line[0].byte == Byte.dollar, Byte.isAlpha(line[1].byte) || line[1].byte == Byte.underscore
            else {
                return false
            }
            var end = 2
            while end < line.count && line[end].byte != Byte.equals {
                guard Byte.isNameByte(line[end].byte) else { return false }
                end += 1
            }
            guard end < line.count else { return false }
            let name = line[1..<end].map(\.byte)
            var start = end + 1
            while start < line.count && Byte.isBlank(line[start].byte) { start += 1 }
            var value = line[start...].map(\.byte)
            var multiline = false
            if value.last == Byte.backslash {
                var length = value.count
                while length >= 2 && Byte.isBlank(value[length - 2]) { length -= 1 }
                if length < 2 {
                    value = []
                } else {
                    value.removeSubrange(length...)
                    value[length - 1] = Byte.newline
                }
                multiline = true
            }
            var definition = definitions[name] ?? Definition()
            definition.value = value
            definition.multiline = multiline
            definition.builtin = nil
            definitions[name] = definition
            if multiline { defining = name }
            return true
        }

        /// A further line of the multi-line definition being read.
        mutating func continueDefinition(_ line: [Unit]) {
            guard let name = defining, var definition = definitions[name] else { return }
            var bytes = line.map(\.byte)
            if bytes.last == Byte.backslash {
                bytes.removeLast()
                while let last = bytes.last, Byte.isBlank(last) { bytes.removeLast() }
                bytes.append(Byte.newline)
            } else {
                defining = nil
                if definition.value.isEmpty { definition.multiline = false }
            }
            // A line of only `\` adds nothing.
            if bytes.count >= 2 || (!bytes.isEmpty && defining == nil) { definition.value += bytes }
            definitions[name] = definition
        }

        /// A ~SEQ or ~LST variable.
        mutating func set(_ name: [UInt8], _ value: [UInt8]) {
            var definition = definitions[name] ?? Definition()
            definition.value = value
            definition.builtin = nil
            definitions[name] = definition
        }

        /// The definition `$` at `dollar` refers to, if any: keepalived's `find_definition`.
        func reference(in line: [Unit], at dollar: Int) -> Reference? {
            var start = dollar + 1
            let braces = line[start].byte == Byte.openBrace
            if braces { start += 1 }
            guard start < line.count, Byte.isAlpha(line[start].byte) || line[start].byte == Byte.underscore else { return nil }
            var end = start + 1
            while end < line.count && Byte.isNameByte(line[end].byte) { end += 1 }
            var parameters: (first: Int, last: Int)?
            if braces {
                var index = end
                while index < line.count && (line[index].byte == Byte.space || isDigit(line[index].byte)) {
                    if line[index].byte != Byte.space { parameters = (parameters?.first ?? index, index) }
                    index += 1
                }
                if let parameters, parameters.last + 1 != index { return nil }
                guard index < line.count, line[index].byte == Byte.closeBrace else { return nil }
            } else if end < line.count {
                let next = line[end].byte
                guard next == Byte.space || next == Byte.tab || next == Byte.comma || next == Byte.closeParenthesis else {
                    return nil
                }
            }
            let atEnd = braces ? end + 1 == line.count : end == line.count
            let name = line[start..<end].map(\.byte)
            guard let definition = definitions[name], atEnd || !definition.multiline else { return nil }
            if parameters != nil && definition.maximumParameters == 0 { return nil }
            return Reference(name: name, nameLength: end - start, braces: braces, parameters: parameters)
        }

        /// Replaces references in `line`, rescanning each replacement: keepalived's
        /// `replace_param`. False when nothing was replaced, or when a replacement would not fit
        /// in `limit` - 1 bytes (keepalived then keeps the line as it is, references and all).
        /// A multi-line definition's further lines go to `pointer`.
        mutating func substitute(
            _ line: inout [Unit], limit: Int, pointer: inout Expansion?, _ place: Place
        ) throws(LintInputError) -> Bool {
            var used = line.count
            var cursor = 0
            var found = false
            var multilinePointer = pointer
            var nextPointer = pointer
            while let dollar = line[cursor...].firstIndex(where: { $0.byte == Byte.dollar }), dollar + 1 < line.count {
                cursor = dollar
                guard let reference = reference(in: line, at: dollar), var definition = definitions[reference.name] else {
                    cursor += 1
                    continue
                }
                found = true
                nextPointer = multilinePointer
                let at = line[dollar]
                if definition.multiline {
                    if let current = multilinePointer { expansionStack.append((current, multilineRepetitionDepth)) }
                    multilineRepetitionDepth = repetitions.count
                }
                if let builtin = definition.builtin {
                    definition.value = try value(of: builtin, line: line, reference: reference, place)
                    definitions[reference.name] = definition
                }
                var replacedLength = reference.nameLength
                let replacing: ArraySlice<UInt8>
                if definition.multiline {
                    let end = definition.value.firstIndex(of: Byte.newline) ?? definition.value.count
                    replacing = definition.value[..<end]
                    let further = Expansion(value: definition.value, offset: end + 1, origin: at.origin, depth: at.depth + 1)
                    nextPointer = further
                    multilinePointer = further
                } else {
                    if let parameters = reference.parameters {
                        replacedLength = parameters.last - (dollar + 1) + (reference.braces ? 0 : 1)
                    }
                    replacing = definition.value[...]
                }
                let removed = replacedLength + 1 + (reference.braces ? 2 : 0)
                let newUsed = used + replacing.count - removed
                if newUsed < 0 || newUsed >= limit { return false }
                guard at.depth < KeepalivedPreprocessor.maximumDepth else {
                    throw place.error(
                        at: at,
                        found:
                            "definitions nested more than \(KeepalivedPreprocessor.maximumDepth) deep at $\(String(decoding: reference.name, as: UTF8.self))",
                        expected: "a definition that does not refer to itself (keepalived 2.2.7 replaces it without end)")
                }
                let inserted = replacing.map { Unit(byte: $0, depth: at.depth + 1, origin: at.origin) }
                if reference.parameters != nil && removed > replacing.count {
                    // keepalived shifts only the reference's own bytes left over the shortened
                    // reference: the rest of the line stays, behind one of its bytes.
                    let after = dollar + removed
                    var result = Array(line[..<dollar]) + inserted
                    if after < line.count {
                        result.append(line[after])
                        result += line[(dollar + replacing.count + 1)...]
                    }
                    line = result
                } else {
                    line.replaceSubrange(dollar..<min(dollar + removed, line.count), with: inserted)
                }
                if removed != replacing.count { used = newUsed }
                if definition.value.first(where: { !Byte.isBlank($0) }) == Byte.tilde { break }
            }
            if found { pointer = nextPointer }
            return found
        }

        func value(of builtin: Definition.Builtin, line: [Unit], reference: Reference, _ place: Place) throws(LintInputError)
            -> [UInt8]
        {
            switch builtin {
            case .instance:
                return configID
            case .workingDirectory:
                let name = place.file.name
                guard let slash = name.lastIndex(of: "/") else { return [UInt8(ascii: ".")] }
                return slash == name.startIndex ? [UInt8(ascii: "/")] : Array(name[..<slash].utf8)
            case .random:
                var minimum: UInt64 = 0
                var maximum: UInt64 = 32767
                if let parameters = reference.parameters {
                    var end: Int
                    (minimum, end) = unsignedNumber(line, from: parameters.first)
                    if end < parameters.last { (maximum, end) = unsignedNumber(line, from: end) }
                }
                let range = maximum &- minimum &+ 1
                guard range != 0 else {
                    throw place.error(
                        at: line[reference.parameters?.first ?? 0],
                        found: "${_RANDOM \(minimum) \(maximum)}",
                        expected: "${_RANDOM MIN MAX} with MIN at most MAX (keepalived 2.2.7 divides by zero when MIN is MAX + 1)"
                    )
                }
                // As if random() returned 0, cut to as many characters as MAX has digits.
                var digits = 0
                var rest = Int64(bitPattern: maximum)
                repeat {
                    digits += 1
                    rest /= 10
                } while rest != 0
                return Array(String(Int64(bitPattern: minimum)).utf8.prefix(digits))
            }
        }

        /// strtoul(3) in base 10 over digits and spaces, saturating.
        func unsignedNumber(_ line: [Unit], from start: Int) -> (UInt64, Int) {
            var index = start
            while index < line.count && Byte.isSpace(line[index].byte) { index += 1 }
            var value: UInt64 = 0
            var overflow = false
            while index < line.count && isDigit(line[index].byte) {
                let (times, o1) = value.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times.addingReportingOverflow(UInt64(line[index].byte - UInt8(ascii: "0")))
                overflow = overflow || o1 || o2
                value = sum
                index += 1
            }
            return (overflow ? .max : value, index)
        }

        // MARK: ~SEQ and ~LST

        func startsRepetition(_ line: [Unit]) -> Bool {
            guard line.count >= 4, line[0].byte == Byte.tilde else { return false }
            let word = line[1..<4].map(\.byte)
            return word == Array("SEQ".utf8) || word == Array("LST".utf8)
        }

        mutating func addRepetition(_ line: [Unit], _ place: Place) throws(LintInputError) {
            if line[1].byte == UInt8(ascii: "S") {
                try addSequence(line, place)
            } else {
                try addList(line, place)
            }
        }

        func sequenceError(_ line: [Unit], _ place: Place, _ why: String) -> LintInputError {
            place.error(
                at: line.first, found: LintInputError.quote(KeepalivedPreprocessor.text(line)),
                expected: "~SEQ(VAR, [START,] [STEP,] END) followed by a line (\(why))")
        }

        /// keepalived's `add_seq`.
        mutating func addSequence(_ line: [Unit], _ place: Place) throws(LintInputError) {
            var index = 4
            func skip() { while index < line.count && Byte.isBlank(line[index].byte) { index += 1 } }
            let hexadecimal = index < line.count && line[index].byte == UInt8(ascii: "x")
            if hexadecimal { index += 1 }
            skip()
            guard index < line.count, line[index].byte == Byte.openParenthesis else {
                throw sequenceError(line, place, "an opening parenthesis")
            }
            index += 1
            skip()
            let variableStart = index
            while index < line.count && ![Byte.space, Byte.tab, Byte.comma, Byte.closeParenthesis].contains(line[index].byte) {
                index += 1
            }
            let variable = line[variableStart..<index].map(\.byte)
            skip()
            guard index < line.count, line[index].byte != Byte.closeParenthesis, index != variableStart else {
                throw sequenceError(line, place, "a variable and an end")
            }
            // keepalived skips whatever separates the variable from the numbers.
            index += 1
            skip()
            guard let close = line[index...].firstIndex(where: { $0.byte == Byte.closeParenthesis }) else {
                throw sequenceError(line, place, "a closing parenthesis")
            }
            guard close + 1 - index + 1 <= 64 else { throw sequenceError(line, place, "parameters of at most 62 characters") }
            // Definitions in the numbers are replaced, within the same 63 characters.
            var numbers = Array(line[index...close])
            var none: Expansion?
            _ = try substitute(&numbers, limit: 64, pointer: &none, place)
            var start: Int
            var step: Int
            var end: Int
            var at = 0
            let one = signedNumber(numbers, &at)
            skipBlanks(in: numbers, at: &at)
            if at < numbers.count && numbers[at].byte == Byte.closeParenthesis {
                end = one
                step = end < 1 ? -1 : 1
                start = end < 0 ? -1 : 1
            } else {
                guard at < numbers.count, numbers[at].byte == Byte.comma else { throw sequenceError(line, place, "numbers") }
                at += 1
                let two = signedNumber(numbers, &at)
                skipBlanks(in: numbers, at: &at)
                if at < numbers.count && numbers[at].byte == Byte.closeParenthesis {
                    start = one
                    end = two
                    step = start <= end ? 1 : -1
                } else {
                    guard at < numbers.count, numbers[at].byte == Byte.comma else { throw sequenceError(line, place, "numbers") }
                    at += 1
                    let three = signedNumber(numbers, &at)
                    skipBlanks(in: numbers, at: &at)
                    guard at < numbers.count, numbers[at].byte == Byte.closeParenthesis else {
                        throw sequenceError(line, place, "at most three numbers")
                    }
                    start = one
                    step = two
                    end = three
                    guard step != 0, !(start < end && step < 0), !(start > end && step > 0) else {
                        throw sequenceError(line, place, "a step that goes from START to END")
                    }
                }
            }
            guard !hexadecimal || (start >= 0 && end >= 0) else {
                throw sequenceError(line, place, "~SEQx takes no negative numbers")
            }
            let distance = start <= end ? UInt(bitPattern: end &- start) : UInt(bitPattern: start &- end)
            let count = distance / step.magnitude
            guard count < UInt(KeepalivedPreprocessor.maximumLinesPerLine) else {
                throw place.error(
                    at: line.first, found: "a ~SEQ of \(count == .max ? "2^64" : String(count + 1)) values",
                    expected: "at most \(KeepalivedPreprocessor.maximumLinesPerLine) values")
            }
            var textStart = close + 1
            while textStart < line.count && Byte.isBlank(line[textStart].byte) { textStart += 1 }
            repetitions.append(
                Repetition(
                    values: .numbers(
                        variable: variable, next: start, step: step, remaining: Int(count) + 1, hexadecimal: hexadecimal),
                    text: Array(line[textStart...])))
        }

        func skipBlanks(in text: [Unit], at index: inout Int) {
            while index < text.count && Byte.isBlank(text[index].byte) { index += 1 }
        }

        /// strtol(3) in base 0 (0x for hexadecimal, 0 for octal), saturating; no digits reads 0
        /// and leaves `index` where it was.
        func signedNumber(_ text: [Unit], _ index: inout Int) -> Int {
            var at = index
            while at < text.count && Byte.isSpace(text[at].byte) { at += 1 }
            var negative = false
            if at < text.count && (text[at].byte == UInt8(ascii: "+") || text[at].byte == UInt8(ascii: "-")) {
                negative = text[at].byte == UInt8(ascii: "-")
                at += 1
            }
            var base: UInt64 = 10
            if at < text.count && text[at].byte == UInt8(ascii: "0") {
                base = 8
                if at + 2 < text.count, text[at + 1].byte | 0x20 == UInt8(ascii: "x"), digit(text[at + 2].byte, base: 16) != nil {
                    base = 16
                    at += 2
                }
            }
            let digitsStart = at
            var magnitude: UInt64 = 0
            var overflow = false
            while at < text.count, let value = digit(text[at].byte, base: base) {
                let (times, o1) = magnitude.multipliedReportingOverflow(by: base)
                let (sum, o2) = times.addingReportingOverflow(value)
                overflow = overflow || o1 || o2
                magnitude = sum
                at += 1
            }
            guard at != digitsStart else { return 0 }
            index = at
            if negative {
                return overflow || magnitude > UInt64(Int.max) + 1 ? .min : Int(truncatingIfNeeded: 0 &- magnitude)
            }
            return overflow || magnitude > UInt64(Int.max) ? .max : Int(magnitude)
        }

        func digit(_ byte: UInt8, base: UInt64) -> UInt64? {
            let value: UInt64
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt64(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = UInt64(byte - UInt8(ascii: "a")) + 10
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = UInt64(byte - UInt8(ascii: "A")) + 10
            default: return nil
            }
            return value < base ? value : nil
        }

        func listError(_ line: [Unit], _ place: Place, _ why: String) -> LintInputError {
            place.error(
                at: line.first, found: LintInputError.quote(KeepalivedPreprocessor.text(line)),
                expected: "~LST(VAR, VALUE, …) or ~LST({VAR, …}, {VALUE, …}, …) followed by a line (\(why))")
        }

        /// keepalived's `add_lst`.
        mutating func addList(_ line: [Unit], _ place: Place) throws(LintInputError) {
            var index = 4
            func skip() { while index < line.count && Byte.isBlank(line[index].byte) { index += 1 } }
            func byte(_ at: Int) -> UInt8 { at < line.count ? line[at].byte : 0 }
            skip()
            guard byte(index) == Byte.openParenthesis else { throw listError(line, place, "an opening parenthesis") }
            index += 1
            skip()
            var separator = Byte.comma
            if byte(index) == Byte.openBrace {
                separator = Byte.closeBrace
                index += 1
                skip()
            }
            var variables: [[UInt8]] = []
            while true {
                let start = index
                while index < line.count && ![Byte.space, Byte.tab, Byte.comma, Byte.closeBrace].contains(line[index].byte) {
                    index += 1
                }
                variables.append(line[start..<index].map(\.byte))
                skip()
                if byte(index) == separator { break }
                guard byte(index) == Byte.comma else { throw listError(line, place, "variables separated by commas") }
                index += 1
                skip()
            }
            if byte(index) == Byte.closeBrace {
                index += 1
                skip()
            }
            guard byte(index) == Byte.comma else { throw listError(line, place, "a comma after the variables") }
            index += 1
            skip()
            var sets: [[[UInt8]]] = []
            while true {
                var end = Byte.comma
                if byte(index) == Byte.openBrace {
                    end = Byte.closeBrace
                    index += 1
                    skip()
                }
                var values: [[UInt8]] = []
                while true {
                    let start = index
                    while index < line.count
                        && ![Byte.space, Byte.tab, Byte.comma, Byte.closeBrace, Byte.closeParenthesis].contains(line[index].byte)
                    {
                        index += 1
                    }
                    values.append(line[start..<index].map(\.byte))
                    skip()
                    if byte(index) == end || (byte(index) == Byte.closeParenthesis && end == Byte.comma) { break }
                    guard byte(index) == Byte.comma else { throw listError(line, place, "values separated by commas") }
                    index += 1
                    skip()
                    guard values.count < variables.count else { throw listError(line, place, "no more values than variables") }
                }
                // Missing values are empty.
                while values.count < variables.count { values.append([]) }
                sets.append(values)
                if byte(index) == Byte.closeBrace && end == Byte.closeBrace {
                    index += 1
                    skip()
                }
                if byte(index) == Byte.closeParenthesis { break }
                guard byte(index) == Byte.comma else { throw listError(line, place, "sets of values separated by commas") }
                index += 1
                skip()
            }
            index += 1
            skip()
            repetitions.append(
                Repetition(values: .list(variables: variables, sets: sets, next: 0), text: Array(line[min(index, line.count)...]))
            )
        }

        /// The next line of the last repetition, its variables set.
        mutating func nextRepetition() -> [Unit] {
            var repetition = repetitions.removeLast()
            switch repetition.values {
            case .numbers(let variable, let next, let step, let remaining, let hexadecimal):
                set(variable, Array((hexadecimal ? String(UInt(bitPattern: next), radix: 16) : String(next)).utf8))
                if remaining > 1 {
                    repetition.values = .numbers(
                        variable: variable, next: next &+ step, step: step, remaining: remaining - 1, hexadecimal: hexadecimal)
                    repetitions.append(repetition)
                }
            case .list(let variables, let sets, let next):
                for (variable, value) in zip(variables, sets[next]) { set(variable, value) }
                if next + 1 < sets.count {
                    repetition.values = .list(variables: variables, sets: sets, next: next + 1)
                    repetitions.append(repetition)
                }
            }
            return repetition.text
        }

        /// The next line of the multi-line definition being replaced.
        mutating func nextExpansionLine() -> [Unit] {
            guard var current = expansion else { return [] }
            let start = min(current.offset, current.value.count)
            let rest = current.value[start...]
            let depth = current.depth
            let origin = current.origin
            let units = { (bytes: ArraySlice<UInt8>) in bytes.map { Unit(byte: $0, depth: depth, origin: origin) } }
            if let newline = rest.firstIndex(of: Byte.newline) {
                current.offset = newline + 1
                expansion = current
                return units(current.value[start..<newline])
            }
            if let outer = expansionStack.popLast() {
                expansion = outer.expansion
                multilineRepetitionDepth = outer.repetitionDepth
            } else {
                expansion = nil
                multilineRepetitionDepth = 0
            }
            return units(rest)
        }
    }
}
