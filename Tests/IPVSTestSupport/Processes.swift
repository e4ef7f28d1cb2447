import Foundation
import Synchronization

/// Runs programs for integration tests: the built exporter, promtool, Prometheus.
public enum Processes {
    /// The freshly built `ipvs_exporter`: beside the test bundle, or `IPVS_EXPORTER_BINARY`.
    public static var exporterBinary: String {
        if let explicit = ProcessInfo.processInfo.environment["IPVS_EXPORTER_BINARY"] { return explicit }
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = runner.deletingLastPathComponent()
        // The runner may sit inside an .xctest bundle directory.
        while !FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent("ipvs_exporter").path)
            && directory.path != "/"
        {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("ipvs_exporter").path
    }

    /// The full path of a program on PATH, or nil.
    public static func which(_ name: String) -> String? {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Whether a test that needs `tool` should run: always in CI (where a missing tool is a
    /// failure of the set-up, to be reported, not hidden), elsewhere only when installed.
    public static func shouldRun(needing tools: String...) -> Bool {
        let environment = ProcessInfo.processInfo.environment
        if !(environment["CI"] ?? "").isEmpty || !(environment["IPVS_REQUIRE_TOOLS"] ?? "").isEmpty { return true }
        return tools.allSatisfy { which($0) != nil }
    }

    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// A bash script run to completion, with pipefail.
    public static func shell(_ script: String) async throws -> Result {
        try await run("/bin/bash", ["-o", "pipefail", "-c", script])
    }

    /// Runs a program to completion without blocking the caller's thread: the pipes are read
    /// and the exit awaited on Dispatch's threads, and the test's task is resumed when all is
    /// in. (Blocking here held Swift's cooperative threads, two on this machine, and starved
    /// the async tests running beside the integration suites.)
    ///
    /// At most ``runLimit`` programs run at once, across every suite: with the helpers async,
    /// Swift Testing starts every integration test and parameterized case together, and 14
    /// keepalived checks, key generation and Prometheus on 2 cores starved the exporters that
    /// other tests were waiting for. The timeout starts once the program has its turn.
    public static func run(_ executable: String, _ arguments: [String], stdin: String? = nil, timeout: TimeInterval = 120)
        async throws -> Result
    {
        await slots.acquire()
        do {
            let result = try await runNow(executable, arguments, stdin: stdin, timeout: timeout)
            await slots.release()
            return result
        } catch {
            await slots.release()
            throw error
        }
    }

    /// Programs run at once by ``run(_:_:stdin:timeout:)``: one per core of the machine CI runs on.
    public static let runLimit = 2
    static let slots = Slots(limit: runLimit)

    /// A counting semaphore for tasks: waiting suspends the task, it never blocks a thread.
    actor Slots {
        private var free: Int
        private var waiting: [CheckedContinuation<Void, Never>] = []

        init(limit: Int) { free = limit }

        func acquire() async {
            if free > 0 {
                free -= 1
                return
            }
            await withCheckedContinuation { waiting.append($0) }
        }

        /// Hands the slot to the longest waiting task, in arrival order.
        func release() {
            if waiting.isEmpty { free += 1 } else { waiting.removeFirst().resume() }
        }
    }

    /// Output is read on two threads of the call's own, and the exit comes from the
    /// termination handler: nothing here blocks a Dispatch worker, whose pool also delivers the
    /// log lines of every ``RunningProcess`` (blocking reads on it left exporters' logs unread).
    private static func runNow(_ executable: String, _ arguments: [String], stdin: String?, timeout: TimeInterval)
        async throws -> Result
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = input
        let command = ([executable] + arguments).joined(separator: " ")
        // stdout, stderr, the status; the call resumes once, when all three are in or at the timeout.
        let state = Mutex<(stdout: Data?, stderr: Data?, status: Int32?, resumed: Bool)>((nil, nil, nil, false))
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Result, any Error>) in
            @Sendable func update(
                _ change: @Sendable (inout (stdout: Data?, stderr: Data?, status: Int32?, resumed: Bool)) -> Void
            ) {
                let result: Result? = state.withLock { state in
                    change(&state)
                    guard !state.resumed, let stdout = state.stdout, let stderr = state.stderr, let status = state.status else {
                        return nil
                    }
                    state.resumed = true
                    return Result(
                        status: status, stdout: String(decoding: stdout, as: UTF8.self),
                        stderr: String(decoding: stderr, as: UTF8.self))
                }
                if let result { continuation.resume(returning: result) }
            }
            process.terminationHandler = { process in
                let status = process.terminationStatus
                update { $0.status = status }
            }
            do {
                try process.run()
            } catch {
                continuation.resume(throwing: error)
                return
            }
            Thread {
                let data = out.fileHandleForReading.readDataToEndOfFile()
                update { $0.stdout = data }
            }.start()
            Thread {
                let data = err.fileHandleForReading.readDataToEndOfFile()
                update { $0.stderr = data }
            }.start()
            Thread {
                if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
                try? input.fileHandleForWriting.close()
            }.start()
            // A fallback for a termination handler that never comes: once both pipes are
            // closed, a child that has exited is looked at with waitid(WNOWAIT), which leaves it
            // for Foundation to reap. (One CI run saw a 0.08 s openssl script "time out" after
            // 120 s; the handler not firing is the one explanation left. When this path is
            // taken it says so on stderr, to confirm or refute that.)
            let pid = process.processIdentifier
            Thread {
                while true {
                    Thread.sleep(forTimeInterval: 1)
                    let (done, outputIn) = state.withLock {
                        ($0.resumed || $0.status != nil, $0.stdout != nil && $0.stderr != nil)
                    }
                    if done { return }
                    guard outputIn else { continue }
                    var info = siginfo_t()
                    guard waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0, info._sifields._sigchld.si_pid == pid
                    else { continue }
                    // Foundation's handler may still be on its way; give it a moment.
                    Thread.sleep(forTimeInterval: 2)
                    let missed = state.withLock { !$0.resumed && $0.status == nil }
                    guard missed else { return }
                    FileHandle.standardError.write(
                        Data("Processes.run: no termination handler 3 s after pid \(pid) exited: \(command)\n".utf8))
                    let status = info._sifields._sigchld.si_status
                    update { $0.status = status }
                    return
                }
            }.start()
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
                let timedOut = state.withLock { state in
                    defer { state.resumed = true }
                    return !state.resumed
                }
                guard timedOut else { return }
                process.terminate()
                continuation.resume(throwing: Timeout(command: command))
            }
        }
    }

    public struct Timeout: Error, CustomStringConvertible {
        public var command: String
        public var description: String { "timed out: \(command)" }
    }

    /// A free TCP port on loopback (bound and released; good enough for a test).
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRNOTAVAIL) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// A long-running child process whose standard error is collected line by line.
public final class RunningProcess {
    public let process = Process()
    private let buffer = LineBuffer()
    private let output = Pipe()
    private let exited = DispatchSemaphore(value: 0)

    final class LineBuffer: Sendable {
        /// Complete lines, and the unterminated tail of the last read.
        let lines = Mutex<([String], String)>(([], ""))

        func append(_ text: String) {
            lines.withLock { state in
                var pending = state.1 + text
                while let newline = pending.firstIndex(of: "\n") {
                    state.0.append(String(pending[..<newline]))
                    pending = String(pending[pending.index(after: newline)...])
                }
                state.1 = pending
            }
        }
    }

    public init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.standardError = output
        process.standardOutput = output
        process.terminationHandler = { [exited] _ in exited.signal() }
        try process.run()
        // A thread of its own reads the log until the pipe closes. (FileHandle's
        // readabilityHandler runs on Dispatch's workers, which a loaded test run can leave busy
        // long enough that an exporter's "listening" line stayed unread past the wait.)
        let reading = output.fileHandleForReading
        Thread { [buffer] in
            while true {
                let data = reading.availableData
                if data.isEmpty { return }
                buffer.append(String(decoding: data, as: UTF8.self))
            }
        }.start()
    }

    public var log: [String] {
        buffer.lines.withLock { $0.1.isEmpty ? $0.0 : $0.0 + [$0.1] }
    }

    /// Waits until a log line contains `text`; returns that line.
    public func waitForLine(containing text: String, timeout: TimeInterval = 15) async throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let line = log.first(where: { $0.contains(text) }) { return line }
            if !process.isRunning {
                // Its last output may still be on the way through the pipe.
                try await Task.sleep(for: .milliseconds(100))
                if let line = log.first(where: { $0.contains(text) }) { return line }
                throw Exited(status: process.terminationStatus, log: log)
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        // Once more after the deadline: on a loaded machine this task may have been parked past
        // the deadline while the line arrived (seen under stress-ng: "listening" logged within
        // 25 ms, the waiter resumed 15 s later and gave up without looking).
        if let line = log.first(where: { $0.contains(text) }) { return line }
        throw Processes.Timeout(command: "waiting for \"\(text)\"; log so far:\n" + log.joined(separator: "\n"))
    }

    /// The port of the exporter's "listening" log line.
    public func listeningPort() async throws -> Int {
        let line = try await waitForLine(containing: "msg=listening")
        guard let colon = line.lastIndex(of: ":"), let port = Int(line[line.index(after: colon)...].prefix { $0.isNumber }) else {
            throw Exited(status: -1, log: [line])
        }
        return port
    }

    public func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Waits for exit; returns the status, or nil on timeout.
    public func waitForExit(timeout: TimeInterval = 10) async -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// Terminates the process (SIGKILL after 5 s). Synchronous, for `defer`: it waits on the
    /// exit signal, not in a sleep loop, and a terminated exporter exits in milliseconds.
    public func stop() {
        guard process.isRunning else { return }
        process.terminate()
        if exited.wait(timeout: .now() + 5) == .timedOut { kill(process.processIdentifier, SIGKILL) }
    }

    public struct Exited: Error, CustomStringConvertible {
        public var status: Int32
        public var log: [String]
        public var description: String { "process exited with \(status):\n" + log.joined(separator: "\n") }
    }

    deinit { stop() }
}
