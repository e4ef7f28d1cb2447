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
    public static func shell(_ script: String) throws -> Result {
        try run("/bin/bash", ["-o", "pipefail", "-c", script])
    }

    /// Runs a program to completion.
    public static func run(_ executable: String, _ arguments: [String], stdin: String? = nil, timeout: TimeInterval = 120) throws
        -> Result
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
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let collected = Mutex<(Data, Data)>((Data(), Data()))
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            let data = out.fileHandleForReading.readDataToEndOfFile()
            collected.withLock { $0.0 = data }
            group.leave()
        }
        group.enter()
        DispatchQueue.global().async {
            let data = err.fileHandleForReading.readDataToEndOfFile()
            collected.withLock { $0.1 = data }
            group.leave()
        }
        if group.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            throw Timeout(command: ([executable] + arguments).joined(separator: " "))
        }
        process.waitUntilExit()
        let (stdoutData, stderrData) = collected.withLock { $0 }
        return Result(
            status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
            stderr: String(decoding: stderrData, as: UTF8.self))
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
        output.fileHandleForReading.readabilityHandler = { [buffer] handle in
            let data = handle.availableData
            guard !data.isEmpty else { return }
            let text = String(decoding: data, as: UTF8.self)
            buffer.append(text)
        }
        try process.run()
    }

    public var log: [String] {
        buffer.lines.withLock { $0.1.isEmpty ? $0.0 : $0.0 + [$0.1] }
    }

    /// Waits until a log line contains `text`; returns that line.
    public func waitForLine(containing text: String, timeout: TimeInterval = 15) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let line = log.first(where: { $0.contains(text) }) { return line }
            if !process.isRunning {
                Thread.sleep(forTimeInterval: 0.1)
                if let line = log.first(where: { $0.contains(text) }) { return line }
                throw Exited(status: process.terminationStatus, log: log)
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        throw Processes.Timeout(command: "waiting for \"\(text)\"; log so far:\n" + log.joined(separator: "\n"))
    }

    /// The port of the exporter's "listening" log line.
    public func listeningPort() throws -> Int {
        let line = try waitForLine(containing: "msg=listening")
        guard let colon = line.lastIndex(of: ":"), let port = Int(line[line.index(after: colon)...].prefix { $0.isNumber }) else {
            throw Exited(status: -1, log: [line])
        }
        return port
    }

    public func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Waits for exit; returns the status, or nil on timeout.
    public func waitForExit(timeout: TimeInterval = 10) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        return process.isRunning ? nil : process.terminationStatus
    }

    public func stop() {
        if process.isRunning {
            process.terminate()
            _ = waitForExit(timeout: 5)
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
    }

    public struct Exited: Error, CustomStringConvertible {
        public var status: Int32
        public var log: [String]
        public var description: String { "process exited with \(status):\n" + log.joined(separator: "\n") }
    }

    deinit { stop() }
}
