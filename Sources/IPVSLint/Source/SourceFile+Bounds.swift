extension SourceFile {
    /// The longest line any parser reads. Real lines are far shorter (an iptables-save rule
    /// with a long comment is a few KiB); a hostile one would cost the parsers memory and time
    /// out of proportion (a 50 MB iptables line took 850 MB and 20 s).
    public static let maximumLineBytes = 1 << 20
    /// The most words a line may hold: a real rule has tens.
    public static let maximumWordsPerLine = 10_000

    /// Refuses a line longer than ``maximumLineBytes`` or holding more words than
    /// ``maximumWordsPerLine``, at the column where the bound is crossed, before any parser
    /// reads the file.
    public func checkBounds() throws(LintInputError) {
        for (index, line) in lines.enumerated() {
            let utf8 = line.utf8
            if utf8.count > Self.maximumLineBytes {
                throw LintInputError(
                    SourceLocation(file: id, line: index + 1, column: Self.column(in: line, byteOffset: Self.maximumLineBytes)),
                    found: "a line of \(utf8.count) bytes", expected: "lines of at most 1 MiB")
            }
            var words = 0
            var inWord = false
            var column = 0
            for byte in utf8 {
                column += 1
                let blank = byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
                if !blank && !inWord {
                    words += 1
                    if words > Self.maximumWordsPerLine {
                        throw LintInputError(
                            SourceLocation(file: id, line: index + 1, column: Self.column(in: line, byteOffset: column - 1)),
                            found: "word \(words) of the line", expected: "at most \(Self.maximumWordsPerLine) words on a line")
                    }
                }
                inWord = !blank
            }
        }
    }

    /// The 1-based Character column of the byte at `byteOffset`: columns count Characters, as
    /// everywhere else in the linter's messages.
    static func column(in line: Substring, byteOffset: Int) -> Int {
        let utf8 = line.utf8
        let index = utf8.index(utf8.startIndex, offsetBy: byteOffset)
        return line[..<index].count + 1
    }
}
