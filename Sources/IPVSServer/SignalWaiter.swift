import Dispatch
import Glibc
import Synchronization

/// Delivers SIGTERM and SIGINT as an async sequence instead of a signal handler.
///
/// The signals are ignored at the process level and observed through dispatch sources, which
/// run ordinary Swift code safely. Only the first signal is delivered to ``signals``; any later
/// one calls `onRepeat` at once (an operator pressing Ctrl-C twice wants out now). Keep the
/// waiter alive for as long as signals matter: the sources live with it.
public final class SignalWaiter {
    private var sources: [any DispatchSourceSignal] = []
    public let signals: AsyncStream<Int32>

    public init(_ numbers: [Int32] = [SIGTERM, SIGINT], onRepeat: @escaping @Sendable (Int32) -> Void) {
        let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
        signals = stream
        let count = SignalCount()
        for number in numbers {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if count.increment() == 0 {
                    continuation.yield(number)
                } else {
                    onRepeat(number)
                }
            }
            source.resume()
            sources.append(source)
        }
    }

    /// "SIGTERM" for 15.
    public static func name(_ number: Int32) -> String {
        switch number {
        case SIGTERM: "SIGTERM"
        case SIGINT: "SIGINT"
        case SIGHUP: "SIGHUP"
        default: "signal \(number)"
        }
    }
}

private final class SignalCount: Sendable {
    private let value = Atomic<Int>(0)
    /// Returns the count before this signal.
    func increment() -> Int { value.wrappingAdd(1, ordering: .acquiringAndReleasing).oldValue }
}
