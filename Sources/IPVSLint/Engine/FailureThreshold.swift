/// When findings fail the run (exit 1): at or above a severity, or never. `--failure-threshold`
/// and `.ipvs-lint.yaml`'s `failure-threshold` take the same four words, so one type parses both.
public enum FailureThreshold: String, Sendable, Hashable, CaseIterable {
    case error, warning, info
    /// Findings never fail the run.
    case none

    /// The four words as a configuration message lists them.
    public static let choices = "error, warning, info or none"

    /// The least severe finding that fails the run; nil when none does.
    public var minimum: Severity? {
        switch self {
        case .error: .error
        case .warning: .warning
        case .info: .info
        case .none: nil
        }
    }

    /// Whether any of these findings fails the run.
    public func isReached(by findings: [Finding]) -> Bool {
        guard let minimum else { return false }
        return findings.contains { $0.severity >= minimum }
    }
}
