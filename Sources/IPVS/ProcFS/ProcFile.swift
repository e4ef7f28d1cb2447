import Glibc

/// Reads files under /proc, which report a size of 0 and must be read until read(2) returns 0.
///
/// The only code in the IPVS module that makes system calls on files and touches raw buffers;
/// the parsers above it see byte arrays.
public enum ProcFile {
    /// Reads the whole file, refusing files larger than `limit` bytes.
    public static func read(_ path: String, limit: Int = 256 << 20) throws(ProcFSError) -> [UInt8] {
        var result: [UInt8] = []
        try stream(path, chunkSize: 64 << 10) { (chunk: ArraySlice<UInt8>) throws(ProcFSError) in
            guard result.count + chunk.count <= limit else { throw ProcFSError.tooLarge(path: path, limit: limit) }
            result.append(contentsOf: chunk)
        }
        return result
    }

    /// Reads the file in chunks of at most `chunkSize` bytes and hands each to `body`, so that
    /// large files (the connection table) are never held whole.
    public static func stream(
        _ path: String, chunkSize: Int = 256 << 10, _ body: (ArraySlice<UInt8>) throws(ProcFSError) -> Void
    ) throws(ProcFSError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw .notFound(path: path) }
            throw .io(path: path, errno: code, message: "open: " + String(cString: strerror(code)))
        }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        while true {
            let count = buffer.withUnsafeMutableBytes { raw in Glibc.read(fd, raw.baseAddress, raw.count) }
            if count < 0 {
                let code = errno
                if code == EINTR { continue }
                throw .io(path: path, errno: code, message: "read: " + String(cString: strerror(code)))
            }
            if count == 0 { return }
            try body(buffer[0..<count])
        }
    }

    /// Names in a directory, sorted; nil when it does not exist.
    public static func list(_ path: String) throws(ProcFSError) -> [String]? {
        guard let dir = opendir(path) else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { return nil }
            throw .io(path: path, errno: code, message: "opendir: " + String(cString: strerror(code)))
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Whether a path exists (any type).
    public static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }
}
