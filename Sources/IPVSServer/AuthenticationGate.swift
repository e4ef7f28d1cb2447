import NIOCore
import NIOPosix
import Synchronization

/// Where bcrypt checks run: on their own thread, never on the scrapes' pool, and only a few at
/// a time.
///
/// A bcrypt check takes tens of milliseconds on purpose. On the scrapes' 2-thread pool, 200
/// requests with wrong passwords (sent in 0.05 s by one client) queued 13.7 s of bcrypt in
/// front of a scrape whose credentials were already verified. Here a flood of unverified
/// attempts can only fill this gate: beyond ``maximumPending`` the next is refused at once
/// (429), and a client whose credentials were verified before never reaches the gate at all.
final class AuthenticationGate: Sendable {
    /// Checks running or waiting. One thread does about 10–20 checks a second at cost 10, so a
    /// full gate answers its last caller in well under a second.
    static let maximumPending = 8

    private let pool: NIOThreadPool
    private let pending = BoundedCounter(limit: maximumPending)

    init() {
        pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
    }

    /// Runs `check` on the gate's thread, or returns nil at once when the gate is full.
    func run(on eventLoop: any EventLoop, _ check: @escaping @Sendable () -> Bool) -> EventLoopFuture<Bool>? {
        guard pending.tryIncrement() else { return nil }
        let result = pool.runIfActive(eventLoop: eventLoop, check)
        result.whenComplete { [pending] _ in pending.decrement() }
        return result
    }

    func shutdown() async {
        try? await pool.shutdownGracefully()
    }
}
