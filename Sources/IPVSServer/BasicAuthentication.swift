import CCrypt
import Glibc
import Synchronization

/// HTTP basic authentication against bcrypt hashes (`basic_auth_users`), through libxcrypt.
///
/// The one file that touches libcrypt. bcrypt is slow on purpose (tens of milliseconds at cost
/// 10), so a scrape every 15 s would spend that each time: a successful check is remembered
/// for the exact user and password it was made with, as exporter-toolkit does. Checks run on
/// the thread pool, never on the event loop.
public final class BasicAuthentication: Sendable {
    private let users: [String: String]
    private let verified = Mutex<Set<String>>([])
    /// Checked for unknown users, so that they cost what a known one costs.
    private static let decoy = "$2y$10$uXZu0GOWhz7bcjPEGKleXedpxEclk4v/v4mECirmxvUxbEdr3RTdS"

    public init(users: [String: String]) {
        self.users = users
    }

    /// The user and password of an `Authorization: Basic …` header; nil when it is not one.
    static func credentials(_ header: String?) -> (user: String, password: String)? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "basic", let decoded = Base64.decode(Substring(parts[1].trimmingSpaces)),
            let text = String(validating: decoded, as: UTF8.self), let colon = text.firstIndex(of: ":")
        else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }

    /// True when these exact credentials were verified before: no bcrypt needed.
    public func remembers(authorization header: String?) -> Bool {
        guard let key = Self.credentials(header).map(Self.key) else { return false }
        return verified.withLock { $0.contains(key) }
    }

    /// What a verified user and password are remembered by.
    private static func key(_ credentials: (user: String, password: String)) -> String {
        credentials.user + "\u{0}" + credentials.password
    }

    /// Whether the header carries a known user and that user's password. Slow (bcrypt).
    public func allows(authorization header: String?) -> Bool {
        guard let (user, password) = Self.credentials(header) else { return false }
        let key = Self.key((user, password))
        if verified.withLock({ $0.contains(key) }) { return true }
        let known = users[user]
        let matches = Self.check(password, against: known ?? Self.decoy) && known != nil
        if matches {
            verified.withLock { set in
                if set.count >= 64 { set.removeAll() }
                set.insert(key)
            }
        }
        return matches
    }

    /// bcrypt of `password` with the hash's salt and cost, compared in constant time.
    static func check(_ password: String, against hash: String) -> Bool {
        guard let data = calloc(1, MemoryLayout<crypt_data>.size)?.assumingMemoryBound(to: crypt_data.self) else { return false }
        defer { free(data) }
        guard let result = crypt_r(password, hash, data) else { return false }
        let computed = Array(String(cString: result).utf8)
        let expected = Array(hash.utf8)
        guard computed.count == expected.count else { return false }
        var difference: UInt8 = 0
        for index in computed.indices { difference |= computed[index] ^ expected[index] }
        return difference == 0
    }
}

/// Standard base64 (RFC 4648 §4), padding required as browsers and curl send it.
enum Base64 {
    static func decode(_ text: Substring) -> [UInt8]? {
        let bytes = Array(text.utf8)
        guard bytes.count % 4 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count / 4 * 3)
        var index = 0
        while index < bytes.count {
            var values: [UInt8] = []
            var padding = 0
            for byte in bytes[index..<(index + 4)] {
                if byte == UInt8(ascii: "=") {
                    padding += 1
                    values.append(0)
                    continue
                }
                guard padding == 0, let value = Self.value(byte) else { return nil }
                values.append(value)
            }
            guard padding <= 2, padding == 0 || index + 4 == bytes.count else { return nil }
            let triple = UInt32(values[0]) << 18 | UInt32(values[1]) << 12 | UInt32(values[2]) << 6 | UInt32(values[3])
            out.append(UInt8(triple >> 16))
            if padding < 2 { out.append(UInt8(triple >> 8 & 0xFF)) }
            if padding < 1 { out.append(UInt8(triple & 0xFF)) }
            index += 4
        }
        return out
    }

    static func value(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }
}
