import Glibc
import IPVSKernel
import IPVSServer
import IPVSTestSupport
import NIOCore
import Testing

/// Responses stream without holding a thread or a slot for the client, under write deadlines.
@Suite(.serialized) struct StreamingTests {
    /// A tree whose exposition (about 12 MB) is far larger than the kernel's socket buffers, so
    /// a client that does not read stalls the response.
    static let largeTree = Result { try SyntheticProcFS.write(services: 1000, backends: 20) }

    static func reader(_ root: String) -> ProcFSStateReader {
        ProcFSStateReader(procfs: ProcFS(root: root), hz: KernelHZ(hz: 250, source: "test"))
    }

    /// A client that sends `GET /metrics` and then does not read: a blocking socket with a tiny
    /// receive buffer. Reading later gives what the server sent before it closed.
    struct SilentClient {
        let fd: Int32

        init(port: Int) throws {
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var size: Int32 = 4096
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
            // Bounded reads: a server that never closes fails the test instead of hanging it.
            var timeout = timeval(tv_sec: 20, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard connected == 0 else { throw Failure.connect(errno) }
            let request = Array("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8)
            guard request.withUnsafeBytes({ Glibc.send(fd, $0.baseAddress, $0.count, 0) }) == request.count else {
                throw Failure.send(errno)
            }
        }

        /// Everything until the server closes (or the read times out).
        func drain() -> (bytes: [UInt8], closed: Bool) {
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if count > 0 {
                    bytes += buffer[0..<count]
                } else {
                    return (bytes, count == 0 || errno == ECONNRESET)
                }
            }
        }

        func close() { _ = Glibc.close(fd) }

        enum Failure: Error { case connect(Int32), send(Int32) }
    }

    /// A client that stops reading is cut off by the write deadline: its response ends
    /// unfinished (no last chunk) and the connection closes.
    @Test func aClientThatStopsReadingIsCutOff() async throws {
        let root = try Self.largeTree.get()
        let log = LogRecorder()
        try await ServerTests.withServer(reader: Self.reader(root), root: root, writeTimeout: .seconds(1), log: log) { port, _ in
            let client = try SilentClient(port: port)
            defer { client.close() }
            // Until the server says it closed for the write deadline: how long rendering and
            // filling the socket buffers take depends on the machine, so no sleep is long
            // enough everywhere (reading early would be progress, and the whole response come).
            let clock = ContinuousClock()
            let start = clock.now
            while !log.messages.contains(where: { $0.contains("response not read for") }), clock.now - start < .seconds(120) {
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(log.messages.contains { $0.contains("response not read for") }, "\(log.messages)")
            let (bytes, closed) = client.drain()
            #expect(closed)
            #expect(bytes.count > 0 && bytes.count < 8 << 20, "\(bytes.count) bytes")
            #expect(!bytes.suffix(5).elementsEqual(Array("0\r\n\r\n".utf8)), "the whole response was sent")
        }
    }

    /// With one slot (`--web.max-requests 1`), two clients that stopped reading do not keep a
    /// third from its scrape: a stalled response holds no slot and no pool thread.
    @Test func stalledResponsesHoldNoSlot() async throws {
        let root = try Self.largeTree.get()
        try await ServerTests.withServer(reader: Self.reader(root), root: root, maxRequests: 1, queueTimeout: .seconds(30)) {
            port, _ in
            let stalled = try (0..<2).map { _ in try SilentClient(port: port) }
            defer { stalled.forEach { $0.close() } }
            try await Task.sleep(for: .milliseconds(500))
            let response = try await RawHTTP.get(port: port, "/metrics")
            #expect(response.status == 200)
            #expect(response.body.count > 8 << 20)
        }
    }
}
