import Dispatch
import Foundation

/// SIGINT and SIGTERM as an awaitable event, so commands can stop gracefully.
enum TerminationSignal {
    /// Returns after the first SIGINT or SIGTERM.
    static func wait() async {
        let (stream, continuation) = AsyncStream<Void>.makeStream()
        let sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield() }
            source.resume()
            return source
        }
        for await _ in stream { break }
        sources.forEach { $0.cancel() }
    }
}
