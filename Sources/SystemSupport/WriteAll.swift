import Glibc

/// Writes every byte to `fd`, retrying short writes and EINTR; returns the errno of the first
/// other failure, nil when all was written.
///
/// The one write loop of the project: files, standard error and the log all go through it, so
/// a signal arriving mid-write never truncates a line.
@discardableResult
public func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32? {
    guard var base = bytes.baseAddress else { return nil }
    var remaining = bytes.count
    while remaining > 0 {
        let written = Glibc.write(fd, base, remaining)
        if written < 0 {
            let code = errno
            if code == EINTR { continue }
            return code
        }
        if written == 0 { return EIO }
        base += written
        remaining -= written
    }
    return nil
}

/// ``writeAll(_:_:)`` for text.
@discardableResult
public func writeAll(_ fd: Int32, _ text: String) -> Int32? {
    var text = text
    return text.withUTF8 { writeAll(fd, UnsafeRawBufferPointer($0)) }
}
