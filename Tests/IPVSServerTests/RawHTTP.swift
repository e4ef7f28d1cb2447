import NIOCore
import NIOPosix

/// A raw HTTP/1.1 exchange over loopback: bytes out, bytes in until the server closes. No
/// client library in between, so tests see exactly what the server sent (gzip included).
enum RawHTTP {
    struct Response {
        var status: Int
        var headers: [(String, String)]
        var body: [UInt8]

        func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }

        var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// Sends `request` and reads until the connection closes.
    static func exchange(port: Int, _ request: String, timeout: TimeAmount = .seconds(120)) async throws -> [UInt8] {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(5))
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await withThrowingTaskGroup(of: [UInt8].self) { group in
            group.addTask {
                try await channel.executeThenClose { inbound, outbound in
                    try await outbound.write(ByteBuffer(string: request))
                    var bytes: [UInt8] = []
                    for try await chunk in inbound { bytes += Array(chunk.readableBytesView) }
                    return bytes
                }
            }
            group.addTask {
                try await Task.sleep(for: .nanoseconds(timeout.nanoseconds))
                throw TimedOut()
            }
            let result = try await group.next()!
            group.cancelAll()
            return result
        }
    }

    struct TimedOut: Error {}

    static func get(port: Int, _ path: String, headers: [String: String] = [:], method: String = "GET") async throws -> Response {
        var request = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { request += "\(name): \(value)\r\n" }
        request += "\r\n"
        let bytes = try await exchange(port: port, request)
        guard let first = try parse(bytes).first else { throw Malformed() }
        return first
    }

    /// Splits a byte stream into responses (keep-alive may carry several).
    static func parse(_ bytes: [UInt8]) throws -> [Response] {
        var responses: [Response] = []
        var rest = bytes[...]
        while !rest.isEmpty {
            guard let end = firstRange(of: Array("\r\n\r\n".utf8), in: rest) else { throw Malformed() }
            let head = String(decoding: rest[rest.startIndex..<end], as: UTF8.self).split(separator: "\r\n")
            guard let statusLine = head.first, let status = Int(statusLine.split(separator: " ")[1]) else { throw Malformed() }
            var headers: [(String, String)] = []
            for line in head.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { throw Malformed() }
                headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: " ")))
            }
            var position = end + 4
            let chunked = headers.contains { $0.0.lowercased() == "transfer-encoding" && $0.1.lowercased() == "chunked" }
            var body: [UInt8] = []
            if chunked {
                // size in hex CRLF, data CRLF, …, 0 CRLF CRLF
                while true {
                    guard let lineEnd = firstRange(of: [13, 10], in: rest[position...]),
                        let size = Int(String(decoding: rest[position..<lineEnd], as: UTF8.self), radix: 16)
                    else { throw Malformed() }
                    position = lineEnd + 2
                    if size == 0 {
                        position += 2
                        break
                    }
                    guard position + size + 2 <= rest.endIndex else { throw Malformed() }
                    body += rest[position..<(position + size)]
                    position += size + 2
                }
            } else {
                let length = headers.first { $0.0.lowercased() == "content-length" }.flatMap { Int($0.1) } ?? 0
                let bodyEnd = min(rest.endIndex, position + length)
                body = Array(rest[position..<bodyEnd])
                position = bodyEnd
            }
            responses.append(Response(status: status, headers: headers, body: body))
            rest = rest[min(position, rest.endIndex)...]
        }
        return responses
    }

    struct Malformed: Error {}

    static func firstRange(of needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var index = haystack.startIndex
        while index + needle.count <= haystack.endIndex {
            if haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String {
        var slice = self
        while let first = slice.first, set.contains(first) { slice.removeFirst() }
        while let last = slice.last, set.contains(last) { slice.removeLast() }
        return String(slice)
    }
}
