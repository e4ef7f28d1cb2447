/// A kernel release as far as behaviour goes: major and minor (`5.4`, `6.1.0-21-amd64` → 6.1).
public struct KernelRelease: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var major: Int
    public var minor: Int

    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// `5.4`, `5.10.0-21-amd64`, `6.1`; nil for anything that does not start with MAJOR.MINOR.
    public init?(_ text: String) {
        let numbers = text.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
        guard numbers.count >= 2, let major = Int(numbers[0]), major >= 2, major < 100 else { return nil }
        let minorDigits = numbers[1].prefix { $0.isASCII && $0.isNumber }
        guard !minorDigits.isEmpty, minorDigits.count <= 3, let minor = Int(minorDigits) else { return nil }
        // After the minor's digits: nothing, or a separator ("-rc1", "+"); ".0-21-amd64" is the
        // third part, already split off.
        let rest = numbers[1].dropFirst(minorDigits.count)
        guard rest.isEmpty || ["-", "+", "_"].contains(rest.first!) else { return nil }
        self.init(major: major, minor: minor)
    }

    public var description: String { "\(major).\(minor)" }

    public static func < (lhs: KernelRelease, rhs: KernelRelease) -> Bool {
        (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
    }
}
