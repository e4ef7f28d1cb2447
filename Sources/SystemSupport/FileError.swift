/// Why a file could not be read or written.
///
/// The error of every file the project touches that is not a parse: a user's rules file, a
/// keepalived include, a certificate, a replay folder, a /proc file. Parsers above it wrap it
/// in their own error type when the file's meaning matters (``notFound(path:)`` under /proc/net
/// means "the ip_vs module is not loaded").
public enum FileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The path does not exist (ENOENT, or a path component is not a directory).
    case notFound(path: String)
    /// A system call failed; `message` names the call and the errno text.
    case io(path: String, errno: Int32, message: String)
    /// The file is larger than the reader is willing to hold.
    case tooLarge(path: String, limit: Int)

    public var description: String {
        switch self {
        case .notFound(let path): "\(path): no such file"
        case .io(let path, _, let message): "\(path): \(message)"
        case .tooLarge(let path, let limit): "\(path): larger than \(limit) bytes, refusing to read further"
        }
    }
}
