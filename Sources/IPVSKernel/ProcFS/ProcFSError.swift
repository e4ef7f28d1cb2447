import SystemSupport

/// Why a /proc read failed.
public enum ProcFSError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file does not exist: for /proc/net/ip_vs* that means the ip_vs module is not loaded
    /// in this network namespace.
    case notFound(path: String)
    /// open(2) or read(2) failed.
    case io(path: String, errno: Int32, message: String)
    /// The file is larger than the reader is willing to hold.
    case tooLarge(path: String, limit: Int)
    /// The contents are not what the kernel prints.
    case parse(ProcParseError)
    /// Reading took longer than the reader's time budget and was abandoned.
    case overBudget(path: String, milliseconds: Int64)

    public var description: String {
        switch self {
        case .notFound(let path): "\(path): no such file"
        case .io(let path, _, let message): "\(path): \(message)"
        case .tooLarge(let path, let limit): "\(path): larger than \(limit) bytes, refusing to read further"
        case .parse(let error): error.description
        case .overBudget(let path, let milliseconds):
            "\(path): still reading after \(milliseconds) ms, the time budget; abandoned"
        }
    }
}

extension ProcFSError {
    /// A failure to open or read a /proc file, in /proc's terms.
    public init(_ error: FileError) {
        switch error {
        case .notFound(let path): self = .notFound(path: path)
        case .io(let path, let code, let message): self = .io(path: path, errno: code, message: message)
        case .tooLarge(let path, let limit): self = .tooLarge(path: path, limit: limit)
        }
    }
}
