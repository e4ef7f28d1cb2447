import CZlib

/// Compresses a stream piece by piece into one gzip member, holding only zlib's own state
/// (about 256 KiB at level 1) and the compressed output of the current piece.
///
/// A class because zlib's stream must not move in memory between calls; it is used by one
/// thread at a time (one per HTTP response).
public final class GzipStream {
    private var stream = z_stream()
    private var finished = false

    public init(level: Int32 = 1) throws(GzipError) {
        let status = CZlib_deflateInit2(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY)
        guard status == Z_OK else {
            throw GzipError(operation: "deflateInit2", code: status, message: "cannot initialise deflate")
        }
    }

    deinit {
        deflateEnd(&stream)
    }

    /// Compresses `input`; returns what zlib chose to emit so far (often nothing for small input).
    public func compress(_ input: [UInt8]) throws(GzipError) -> [UInt8] {
        try run(input, flush: Z_NO_FLUSH)
    }

    /// Ends the member: the remaining compressed bytes and the gzip trailer.
    public func finish() throws(GzipError) -> [UInt8] {
        guard !finished else { return [] }
        finished = true
        return try run([], flush: Z_FINISH)
    }

    private func run(_ input: [UInt8], flush: Int32) throws(GzipError) -> [UInt8] {
        var input = input
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 32 << 10)
        var failure: GzipError?
        input.withUnsafeMutableBufferPointer { inBuffer in
            stream.next_in = inBuffer.baseAddress
            stream.avail_in = uInt(inBuffer.count)
            while true {
                var status: Int32 = Z_OK
                let produced: Int = chunk.withUnsafeMutableBufferPointer { outBuffer in
                    stream.next_out = outBuffer.baseAddress
                    stream.avail_out = uInt(outBuffer.count)
                    status = deflate(&stream, flush)
                    return outBuffer.count - Int(stream.avail_out)
                }
                if status == Z_STREAM_ERROR {
                    failure = GzipError(operation: "deflate", code: status, message: "stream error")
                    return
                }
                output.append(contentsOf: chunk[..<produced])
                // Done when zlib took all input and had room to spare (or ended the stream).
                if status == Z_STREAM_END || (stream.avail_in == 0 && stream.avail_out != 0) { break }
            }
            stream.next_in = nil
        }
        if let failure { throw failure }
        return output
    }
}
