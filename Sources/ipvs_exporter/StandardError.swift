import SystemSupport

/// `print(…, to: &standardError)`.
struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        writeAll(2, string)
    }
}
