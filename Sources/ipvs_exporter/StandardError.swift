import Glibc

/// `print(…, to: &standardError)`.
struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        var remaining = Array(string.utf8)[...]
        while !remaining.isEmpty {
            let written = remaining.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
            if written <= 0 { return }
            remaining = remaining.dropFirst(written)
        }
    }
}

