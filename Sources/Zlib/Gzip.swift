import CZlib

/// gzip in both directions, over whole byte arrays.
///
/// This is the only file that touches zlib's pointers. The exporter compresses each scrape
/// response (a few hundred KiB at most), and the procfs reader inflates `/proc/config.gz`
/// to learn the kernel's HZ; neither needs streaming.
public enum Gzip {
    /// Compresses `input` into a gzip member (RFC 1952).
    ///
    /// - Parameter level: zlib level 1–9. The default 6 is zlib's own; level 1 is about
    ///   three times faster on exposition text for ~20% larger output.
    public static func compress(_ input: [UInt8], level: Int32 = 6) throws(GzipError) -> [UInt8] {
        var stream = z_stream()
        // 15 window bits + 16 asks zlib for the gzip wrapper instead of the zlib one.
        let initStatus = CZlib_deflateInit2(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY)
        guard initStatus == Z_OK else {
            throw GzipError(operation: "deflateInit2", code: initStatus, message: "cannot initialise deflate")
        }
        defer { deflateEnd(&stream) }

        let bound = Int(deflateBound(&stream, uLong(input.count)))
        var output = [UInt8](repeating: 0, count: bound)
        var input = input
        let status: Int32 = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = uInt(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = uInt(outBuffer.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else {
            throw GzipError(operation: "deflate", code: status, message: message(of: stream))
        }
        output.removeLast(output.count - Int(stream.total_out))
        return output
    }

    /// Inflates a gzip (or zlib) stream, refusing to produce more than `limit` bytes.
    ///
    /// The limit exists because the input may be hostile: a few KiB of gzip can expand to
    /// gigabytes.
    public static func decompress(_ input: [UInt8], limit: Int = 64 << 20) throws(GzipError) -> [UInt8] {
        var stream = z_stream()
        // 15 + 32: detect gzip or zlib headers automatically.
        let initStatus = CZlib_inflateInit2(&stream, 15 + 32)
        guard initStatus == Z_OK else {
            throw GzipError(operation: "inflateInit2", code: initStatus, message: "cannot initialise inflate")
        }
        defer { inflateEnd(&stream) }

        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        var input = input
        var status: Int32 = Z_OK
        try input.withUnsafeMutableBufferPointer { (inBuffer) throws(GzipError) in
            stream.next_in = inBuffer.baseAddress
            stream.avail_in = uInt(inBuffer.count)
            repeat {
                let produced: Int = chunk.withUnsafeMutableBufferPointer { outBuffer in
                    stream.next_out = outBuffer.baseAddress
                    stream.avail_out = uInt(outBuffer.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    return outBuffer.count - Int(stream.avail_out)
                }
                guard status == Z_OK || status == Z_STREAM_END else {
                    let reason = status == Z_BUF_ERROR ? "truncated input" : message(of: stream)
                    throw GzipError(operation: "inflate", code: status, message: reason)
                }
                guard output.count + produced <= limit else {
                    throw GzipError(operation: "inflate", code: 0, message: "output exceeds \(limit) bytes")
                }
                output.append(contentsOf: chunk[..<produced])
                if status == Z_OK && produced == 0 && stream.avail_in == 0 {
                    throw GzipError(operation: "inflate", code: Z_BUF_ERROR, message: "truncated input")
                }
            } while status != Z_STREAM_END
        }
        return output
    }

    private static func message(of stream: z_stream) -> String {
        guard let text = stream.msg else { return "unknown error" }
        return String(cString: text)
    }
}
