import Glibc

/// The project's file API: whole reads, chunked streams, listings, writes and stamps.
///
/// Reads loop until read(2) returns 0, so /proc files (which report a size of 0) read like any
/// other. The only code outside the C wrappers that makes file system calls and touches raw
/// buffers; parsers above it see byte arrays.
public enum Files {
    /// A path written inside the file at `file` (an include, a certificate, a sysctl file of a
    /// configuration): relative to that file's directory unless absolute.
    public static func resolve(_ path: String, relativeTo file: String) -> String {
        guard !path.hasPrefix("/"), let slash = file.lastIndex(of: "/") else { return path }
        return String(file[...slash]) + path
    }

    /// Reads the whole file, refusing files larger than `limit` bytes.
    public static func read(_ path: String, limit: Int = 256 << 20) throws(FileError) -> [UInt8] {
        var result: [UInt8] = []
        try stream(path, chunkSize: 64 << 10, mapError: { $0 }) { (chunk: ArraySlice<UInt8>) throws(FileError) in
            guard result.count + chunk.count <= limit else { throw FileError.tooLarge(path: path, limit: limit) }
            result.append(contentsOf: chunk)
        }
        return result
    }

    /// Reads the file in chunks of at most `chunkSize` bytes and hands each to `body`, so that
    /// large files (the connection table) are never held whole. `mapError` turns a failure to
    /// open or read into the caller's own error type, the one `body` throws.
    public static func stream<Failure: Error>(
        _ path: String, chunkSize: Int = 256 << 10, mapError: (FileError) -> Failure,
        _ body: (ArraySlice<UInt8>) throws(Failure) -> Void
    ) throws(Failure) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw mapError(.notFound(path: path)) }
            throw mapError(.io(path: path, errno: code, message: "open: " + String(cString: strerror(code))))
        }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        while true {
            let count = buffer.withUnsafeMutableBytes { raw in Glibc.read(fd, raw.baseAddress, raw.count) }
            if count < 0 {
                let code = errno
                if code == EINTR { continue }
                throw mapError(.io(path: path, errno: code, message: "read: " + String(cString: strerror(code))))
            }
            if count == 0 { return }
            try body(buffer[0..<count])
        }
    }

    /// Names in a directory, sorted; nil when it does not exist.
    public static func list(_ path: String) throws(FileError) -> [String]? {
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

    /// Writes a whole file (created or truncated, mode 0644); the counterpart of ``read(_:limit:)``
    /// for the few files the project writes (`netlink-dump`, lint baselines).
    public static func write(_ bytes: [UInt8], to path: String) throws(FileError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let code = errno
            throw .io(path: path, errno: code, message: "open: " + String(cString: strerror(code)))
        }
        defer { close(fd) }
        if let code = bytes.withUnsafeBytes({ writeAll(fd, $0) }) {
            throw .io(path: path, errno: code, message: "write: " + String(cString: strerror(code)))
        }
    }

    /// Creates a directory and its parents (mode 0755); fine if it exists.
    public static func makeDirectory(_ path: String) throws(FileError) {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/" + component
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                let code = errno
                throw .io(path: current, errno: code, message: "mkdir: " + String(cString: strerror(code)))
            }
        }
    }

    /// What identifies one version of a file without reading it: device, inode, size and
    /// modification time, following symlinks (a certificate swapped by renaming or by moving a
    /// symlink, as Kubernetes does with secrets, gets a new inode). Nil when it cannot be stat'ed.
    public static func stamp(_ path: String) -> FileStamp? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileStamp(
            device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
            modifiedSeconds: Int64(info.st_mtim.tv_sec), modifiedNanoseconds: Int64(info.st_mtim.tv_nsec))
    }

    /// Whether a path exists (any type).
    public static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }
}
