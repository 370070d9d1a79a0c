import Dispatch
import Foundation
import Synchronization

/// Ctrl-C and SIGTERM during a run: the first asks for a graceful stop; a second one exits
/// at once with status 75 — safe, since every bill number is committed before its request.
///
/// At once means `_exit`, as a kill would: `exit()` would run OpenSSL's atexit cleanup while
/// the transport thread is still exchanging over TLS, and that thread could then unlock a
/// lock the cleanup has freed and set to NULL (SIGSEGV). Everything printed so far went
/// straight to the file descriptors, and the ledger is committed, so nothing is lost.
final class SignalWatcher: @unchecked Sendable {
    private let sources: [any DispatchSourceSignal]

    init(firstMessage: String, onFirst: @escaping @Sendable () -> Void) {
        let count = Counter()
        sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if count.increment() == 1 {
                    Terminal.error(firstMessage)
                    onFirst()
                } else {
                    _exit(ExitStatus.temporary)
                }
            }
            source.resume()
            return source
        }
    }

    func cancel() {
        sources.forEach { $0.cancel() }
    }

    private final class Counter: Sendable {
        private let value = Mutex(0)

        func increment() -> Int {
            value.withLock { value in
                value += 1
                return value
            }
        }
    }
}

/// SIGUSR1 to `payout sandbox`: the merchant tops the account up, lifting `--balance`.
final class TopUpSignal: @unchecked Sendable {
    private let source: any DispatchSourceSignal

    init(onSignal: @escaping @Sendable () -> Void) {
        signal(SIGUSR1, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGUSR1, queue: .global())
        source.setEventHandler(handler: onSignal)
        source.resume()
    }

    func cancel() {
        source.cancel()
    }
}
