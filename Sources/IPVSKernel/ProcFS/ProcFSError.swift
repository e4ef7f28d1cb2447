import SystemSupport

/// Why a /proc read failed.
public enum ProcFSError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file could not be opened or read. Under /proc/net, ``FileError/notFound(path:)``
    /// means that the ip_vs module is not loaded in this network namespace
    /// (``IPVSReadError/from(_:)`` says so).
    case file(FileError)
    /// The contents are not what the kernel prints.
    case parse(ProcParseError)
    /// Reading took longer than the reader's time budget and was abandoned.
    case overBudget(path: String, milliseconds: Int64)

    public var description: String {
        switch self {
        case .file(let error): error.description
        case .parse(let error): error.description
        case .overBudget(let path, let milliseconds):
            "\(path): still reading after \(milliseconds) ms, the time budget; abandoned"
        }
    }
}
