import CZlib

/// A zlib failure, with zlib's own message when it gave one.
public struct GzipError: Error, Sendable, CustomStringConvertible {
    /// What was being done: "deflate", "inflate".
    public var operation: String
    /// zlib's return code (Z_DATA_ERROR, …), or 0 when the limit below was hit.
    public var code: Int32
    public var message: String

    public var description: String { "\(operation): \(message) (zlib code \(code))" }
}
