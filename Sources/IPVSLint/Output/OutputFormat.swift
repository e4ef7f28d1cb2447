/// The output formats of `ipvs_exporter lint --format`.
public enum OutputFormat: String, Sendable, CaseIterable {
    /// For people: colours (unless NO_COLOR or not a terminal), the line, a caret, a summary.
    case tty
    /// `file:line:col: LVS201 [error] message`, one line per finding.
    case concise
    /// A versioned JSON document.
    case json
    /// SARIF 2.1.0, for GitHub code scanning.
    case sarif
    /// GitHub Actions workflow commands (`::error file=…`).
    case github
    /// Checkstyle XML (Jenkins and others).
    case checkstyle
    /// JUnit XML (CI test reports).
    case junit

    /// The switch is exhaustive, so a new case cannot ship without its formatter.
    var formatter: any ReportFormatter.Type {
        switch self {
        case .tty: TTYFormatter.self
        case .concise: ConciseFormatter.self
        case .json: JSONFormatter.self
        case .sarif: SARIFFormatter.self
        case .github: GitHubFormatter.self
        case .checkstyle: CheckstyleFormatter.self
        case .junit: JUnitFormatter.self
        }
    }
}
