import Dispatch
import IPVSTestSupport
import Logging
import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import IPVSServer

/// Password checks run apart from scrapes, a bounded number at a time.
@Suite struct AuthenticationTests {
    /// The gate admits ``AuthenticationGate/maximumPending`` checks and refuses the next at
    /// once, without queueing it; a finished check frees its place.
    @Test func theGateRefusesBeyondItsBound() async throws {
        let gate = AuthenticationGate()
        let release = DispatchSemaphore(value: 0)
        let eventLoop = MultiThreadedEventLoopGroup.singleton.next()
        var admitted: [EventLoopFuture<Bool>] = []
        for _ in 0..<AuthenticationGate.maximumPending {
            let future = gate.run(on: eventLoop) {
                release.wait()
                return false
            }
            admitted.append(try #require(future))
        }
        #expect(gate.run(on: eventLoop) { true } == nil)
        for _ in admitted { release.signal() }
        for future in admitted { #expect(try await future.get() == false) }
        let after = try #require(gate.run(on: eventLoop) { true })
        #expect(try await after.get() == true)
        await gate.shutdown()
    }

    /// A flood of 300 wrong passwords gets 401 or an immediate 429, and never delays a client whose
    /// credentials were verified before: it does not go through the gate at all. (On the
    /// scrapes' pool, 200 wrong passwords once delayed such a scrape by 13.7 s.)
    @Test func wrongPasswordsDoNotDelayAVerifiedClient() async throws {
        let directory = try Fixtures.temporaryDirectory("web-auth")
        try Fixtures.write(
            "basic_auth_users:\n  prometheus: \(WebConfigurationParsingTests.secretHash)\n", to: directory + "/web.yml")
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let web = try WebConfigurationSource(path: directory + "/web.yml", logger: logger)
        let good = ["Authorization": "Basic cHJvbWV0aGV1czpzZWNyZXQ="]  // prometheus:secret
        let wrong = ["Authorization": "Basic cHJvbWV0aGV1czp3cm9uZw=="]  // prometheus:wrong
        try await ServerTests.withServer(web: web) { port, _ in
            #expect(try await RawHTTP.get(port: port, "/metrics", headers: good).status == 200)
            let flood = Task { try await Self.statuses(port: port, path: "/", headers: wrong, count: 300) }
            // Measured from the server's answer to the verified client, with the flood in flight;
            // the bound is far above a scrape, far below a queue of 300 checks.
            let clock = ContinuousClock()
            let started = clock.now
            let verified = try await RawHTTP.get(port: port, "/metrics", headers: good)
            let elapsed = clock.now - started
            #expect(verified.status == 200)
            #expect(elapsed < .seconds(5), "a verified scrape waited \(elapsed) behind unverified checks")
            let statuses = try await flood.value
            #expect(Set(statuses.keys).isSubset(of: [401, 429]), "\(statuses)")
        }
    }

    /// `count` requests at once; how many got each status.
    static func statuses(port: Int, path: String, headers: [String: String], count: Int) async throws -> [Int: Int] {
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<count {
                group.addTask { try await RawHTTP.get(port: port, path, headers: headers).status }
            }
            var statuses: [Int: Int] = [:]
            for try await status in group { statuses[status, default: 0] += 1 }
            return statuses
        }
    }
}
