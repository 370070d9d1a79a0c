import CCurl
import COpenSSL
import Foundation
import Synchronization

/// What the transport needs to talk to WeChat Pay: who we are, whom we trust, how long to wait.
public struct TransportConfiguration: Sendable {
    public var identity: ClientIdentity
    /// PEM trust store for the server; nil trusts the system roots. Verification is never off.
    public var caFile: String?
    public var connectTimeout: Duration
    public var totalTimeout: Duration
    /// The most connections open to the endpoint at once, hence the most requests on the
    /// wire: at least the run's in-flight ceiling, so curl never queues a request the run
    /// counts as in flight (its wait would read as latency). How many stay open between
    /// requests follows the run's window (`keepConnections`).
    public var maximumConnections: Int

    public init(
        identity: ClientIdentity,
        caFile: String? = nil,
        connectTimeout: Duration = .seconds(10),
        totalTimeout: Duration = .seconds(30),
        maximumConnections: Int = InFlightWindow.defaultBounds.upperBound
    ) {
        self.identity = identity
        self.caFile = caFile
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.maximumConnections = maximumConnections
    }
}

public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    public var body: [UInt8]
}

/// A failed exchange, sorted by what it means for the money: whether the server can have
/// acted on the request decides whether the item may be in flight.
public struct TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The request never left: no connection could be made.
        case notDelivered
        /// TLS refused by one side (server not trusted, our certificate refused, no common
        /// protocol): retrying cannot help until the operator fixes the setup.
        case tlsRefused
        /// The request may have reached the server: timeouts, resets, lost or oversized answers.
        case outcomeUnknown
        /// The transport is shut down.
        case closed
    }

    public var kind: Kind
    public var message: String

    public var description: String { message }
}

/// HTTPS POSTs over libcurl with the merchant's client certificate.
///
/// One curl multi handle, driven by a dedicated thread, carries every request: connections
/// are reused across requests, many exchanges run at once, and no blocking C call ever
/// runs on Swift's cooperative pool. Callers simply `await post`.
public final class HTTPTransport: Sendable {
    private let loop: CurlLoop

    public init(configuration: TransportConfiguration) {
        loop = CurlLoop(configuration: configuration)
    }

    /// Sends `body` and waits for the whole answer. Not cancellable on purpose: once a
    /// payment request is on the wire its answer must be waited for and recorded, and the
    /// total timeout bounds the wait.
    public func post(_ url: String, body: [UInt8], responseLimit: Int = 1 << 20) async throws(TransportError) -> HTTPResponse {
        let result = await withCheckedContinuation { continuation in
            loop.submit(Exchange(url: url, body: body, responseLimit: responseLimit, continuation: continuation))
        }
        return try result.get()
    }

    /// Keeps up to `count` idle connections for reuse (at most `maximumConnections`); curl
    /// closes the oldest idle ones beyond it as exchanges finish. New connections are opened
    /// only when a request starts and none is idle, so they come no faster than the rate
    /// limiter starts requests.
    public func keepConnections(_ count: Int) {
        loop.keepConnections(count)
    }

    /// Lets the exchanges under way finish, then stops the thread; returns at once, so no
    /// caller ever blocks on it. Later posts fail with `.closed`. The thread may still be
    /// closing connections when this returns: a process about to exit awaits `close()`.
    public func shutdown() {
        loop.shutdown()
    }

    /// `shutdown()`, then waits (without blocking a thread) until the transport thread has
    /// closed every connection and released curl's and OpenSSL's state.
    ///
    /// A process must not exit before that: `exit()` runs OpenSSL's atexit cleanup, which
    /// frees OpenSSL's global locks and sets them to NULL, and a transport thread still in
    /// `curl_multi_cleanup` (SSL_free, hence CRYPTO_free_ex_data) then unlocks a NULL lock:
    /// SIGSEGV. The more connections are open, the longer that teardown and the likelier the
    /// overlap.
    public func close() async {
        await loop.close()
    }

    /// Whether the transport thread is done: connections closed, curl and its OpenSSL state
    /// released.
    public var isClosed: Bool {
        loop.isFinished
    }
}

/// One request and its answer as they pass through curl. Owned by the loop thread from
/// submission until its continuation is resumed.
final class Exchange: @unchecked Sendable {
    let url: String
    let body: [UInt8]
    let responseLimit: Int
    /// How much of `body` curl has taken so far.
    var bodyOffset = 0
    /// Set when curl asked to send the body again after some of it had gone out.
    var resendRefused = false
    var response = [UInt8]()
    var overflowed = false
    let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
    private var continuation: CheckedContinuation<Result<HTTPResponse, TransportError>, Never>?

    init(url: String, body: [UInt8], responseLimit: Int, continuation: CheckedContinuation<Result<HTTPResponse, TransportError>, Never>) {
        self.url = url
        self.body = body
        self.responseLimit = responseLimit
        self.continuation = continuation
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        errorBuffer.deallocate()
    }

    func finish(_ result: Result<HTTPResponse, TransportError>) {
        continuation?.resume(returning: result)
        continuation = nil
    }

    var curlMessage: String {
        String(cString: errorBuffer)
    }
}

/// The thread that owns the curl multi handle. Other threads only append to `pending`
/// under the mutex and wake the thread; every curl call happens on the thread itself.
final class CurlLoop: @unchecked Sendable {
    private struct Shared {
        var pending: [Exchange] = []
        var stopping = false
        /// A new size for curl's connection cache, applied by the loop thread.
        var keptConnections: Int?
        /// Set by the loop thread once it has released curl and OpenSSL, just before it ends.
        var finished = false
        /// `close()` callers waiting for `finished`.
        var closeWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let configuration: TransportConfiguration
    private let multi: UnsafeMutableRawPointer
    private let headers: UnsafeMutablePointer<curl_slist>
    private let shared = Mutex(Shared())
    /// Loop-thread state.
    private var active = [UnsafeMutableRawPointer: Exchange]()
    private var idleHandles = [UnsafeMutableRawPointer]()

    init(configuration: TransportConfiguration) {
        CurlGlobal.initialize()
        self.configuration = configuration
        guard let multi = curl_multi_init() else { fatalError("curl_multi_init failed: out of memory") }
        self.multi = multi
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, configuration.maximumConnections)
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, configuration.maximumConnections)
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, configuration.maximumConnections)
        var list = curl_slist_append(nil, "Content-Type: text/xml; charset=utf-8")
        list = curl_slist_append(list, "Expect:")
        headers = list!
        let thread = Thread { [self] in run() }
        thread.name = "payout.curl"
        thread.start()
    }

    /// Wakes the loop while holding the lock: the loop only exits (and frees the multi
    /// handle) after seeing `stopping` under the same lock, so a wake-up never reaches a
    /// freed handle.
    func submit(_ exchange: Exchange) {
        let accepted = shared.withLock { state -> Bool in
            guard !state.stopping else { return false }
            state.pending.append(exchange)
            curl_multi_wakeup(multi)
            return true
        }
        if !accepted {
            exchange.finish(.failure(TransportError(kind: .closed, message: "the HTTPS transport is shut down")))
        }
    }

    func keepConnections(_ count: Int) {
        shared.withLock { state in
            guard !state.stopping else { return }
            state.keptConnections = min(max(count, 1), configuration.maximumConnections)
            curl_multi_wakeup(multi)
        }
    }

    func shutdown() {
        shared.withLock { state in
            guard !state.stopping else { return }
            state.stopping = true
            curl_multi_wakeup(multi)
        }
    }

    func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let finished = shared.withLock { state -> Bool in
                guard !state.finished else { return true }
                state.closeWaiters.append(continuation)
                if !state.stopping {
                    state.stopping = true
                    curl_multi_wakeup(multi)
                }
                return false
            }
            if finished { continuation.resume() }
        }
    }

    var isFinished: Bool {
        shared.withLock { $0.finished }
    }

    private func run() {
        while true {
            let (incoming, stopping, kept) = shared.withLock { state in
                defer {
                    state.pending.removeAll()
                    state.keptConnections = nil
                }
                return (state.pending, state.stopping, state.keptConnections)
            }
            if let kept {
                _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, kept)
            }
            for exchange in incoming {
                start(exchange)
            }
            if stopping && active.isEmpty { break }
            var running: Int32 = 0
            curl_multi_perform(multi, &running)
            collectFinished()
            curl_multi_poll(multi, nil, 0, 1000, nil)
        }
        for handle in idleHandles {
            curl_easy_cleanup(handle)
        }
        curl_multi_cleanup(multi)
        curl_slist_free_all(headers)
        // This thread's own OpenSSL state (error queue, per-thread random generators) is
        // freed now rather than by a thread-exit destructor that could run after `close()`
        // has returned, while the process exits.
        OPENSSL_thread_stop()
        let waiters = shared.withLock { state in
            state.finished = true
            defer { state.closeWaiters.removeAll() }
            return state.closeWaiters
        }
        for waiter in waiters {
            waiter.resume()
        }
    }

    private func start(_ exchange: Exchange) {
        let handle: UnsafeMutableRawPointer
        if let reused = idleHandles.popLast() {
            curl_easy_reset(reused)
            handle = reused
        } else {
            guard let fresh = curl_easy_init() else {
                exchange.finish(.failure(TransportError(kind: .notDelivered, message: "curl_easy_init failed")))
                return
            }
            handle = fresh
        }
        if let failure = configure(handle, for: exchange) {
            idleHandles.append(handle)
            exchange.finish(.failure(failure))
            return
        }
        // A request curl refuses to take is answered at once (never sent), rather than
        // waiting for a completion that would never come.
        let added = curl_multi_add_handle(multi, handle)
        guard added == CURLM_OK else {
            idleHandles.append(handle)
            exchange.finish(.failure(TransportError(
                kind: .notDelivered, message: "libcurl refused the request: \(String(cString: curl_multi_strerror(added)))")))
            return
        }
        active[handle] = exchange
    }

    /// Every option is set for every request, since a reused handle was reset.
    private func configure(_ handle: UnsafeMutableRawPointer, for exchange: Exchange) -> TransportError? {
        let identity = configuration.identity
        let context = Unmanaged.passUnretained(exchange).toOpaque()
        var codes: [CURLcode] = [
            ccurl_easy_setopt_string(handle, CURLOPT_URL, exchange.url),
            ccurl_easy_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "https"),
            ccurl_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1),
            // A transfer that ends during its DNS lookup does not wait for the lookup thread
            // inside curl_multi_perform, which would stall every other request in flight.
            ccurl_easy_setopt_long(handle, CURLOPT_QUICK_EXIT, 1),
            // A connection idle longer than this is not reused: one the server has closed
            // would end the request as a lost answer (see `curlSeekCallback`).
            ccurl_easy_setopt_long(handle, CURLOPT_MAXAGE_CONN, 20),
            ccurl_easy_setopt_long(handle, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1),
            ccurl_easy_setopt_long(handle, CURLOPT_POST, 1),
            ccurl_easy_setopt_long(handle, CURLOPT_POSTFIELDSIZE, exchange.body.count),
            // The body is read through a callback, not handed over whole, so that curl must ask
            // before sending it a second time — see `curlSeekCallback`.
            ccurl_easy_setopt_read_function(handle, curlReadCallback),
            ccurl_easy_setopt_pointer(handle, CURLOPT_READDATA, context),
            ccurl_easy_setopt_seek_function(handle, curlSeekCallback),
            ccurl_easy_setopt_pointer(handle, CURLOPT_SEEKDATA, context),
            ccurl_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, headers),
            ccurl_easy_setopt_string(handle, CURLOPT_USERAGENT, "payout/1"),
            ccurl_easy_setopt_long(handle, CURLOPT_SSLVERSION, CURL_SSLVERSION_TLSv1_2),
            ccurl_easy_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1),
            ccurl_easy_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2),
            identity.certificatePEM.withUnsafeBytes {
                ccurl_easy_setopt_blob(handle, CURLOPT_SSLCERT_BLOB, $0.baseAddress, $0.count)
            },
            ccurl_easy_setopt_string(handle, CURLOPT_SSLCERTTYPE, "PEM"),
            identity.privateKeyPEM.withUnsafeBytes {
                ccurl_easy_setopt_blob(handle, CURLOPT_SSLKEY_BLOB, $0.baseAddress, $0.count)
            },
            ccurl_easy_setopt_string(handle, CURLOPT_SSLKEYTYPE, "PEM"),
            ccurl_easy_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, configuration.connectTimeout.milliseconds),
            ccurl_easy_setopt_long(handle, CURLOPT_TIMEOUT_MS, configuration.totalTimeout.milliseconds),
            ccurl_easy_setopt_write_function(handle, curlWriteCallback),
            ccurl_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, context),
            ccurl_easy_setopt_pointer(handle, CURLOPT_PRIVATE, context),
            ccurl_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, exchange.errorBuffer),
        ]
        if let caFile = configuration.caFile {
            codes.append(ccurl_easy_setopt_string(handle, CURLOPT_CAINFO, caFile))
        }
        guard let failed = codes.first(where: { $0 != CURLE_OK }) else { return nil }
        return TransportError(kind: .notDelivered, message: "libcurl refused an option: \(String(cString: curl_easy_strerror(failed)))")
    }

    private func collectFinished() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle else { continue }
            let code = message.pointee.data.result
            curl_multi_remove_handle(multi, handle)
            guard let exchange = active.removeValue(forKey: handle) else { continue }
            exchange.finish(result(of: exchange, handle: handle, code: code))
            idleHandles.append(handle)
        }
    }

    private func result(of exchange: Exchange, handle: UnsafeMutableRawPointer, code: CURLcode) -> Result<HTTPResponse, TransportError> {
        if exchange.overflowed {
            return .failure(TransportError(kind: .outcomeUnknown, message: "the answer was larger than \(exchange.responseLimit) bytes"))
        }
        if exchange.resendRefused {
            return .failure(TransportError(
                kind: .outcomeUnknown, message: "the connection closed after the request went out, before any answer"))
        }
        guard code == CURLE_OK else {
            let detail = exchange.curlMessage.isEmpty ? String(cString: curl_easy_strerror(code)) : exchange.curlMessage
            return .failure(TransportError(kind: Self.kind(of: code, detail: detail), message: "\(detail) (curl error \(code.rawValue))"))
        }
        var status = 0
        _ = ccurl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return .success(HTTPResponse(status: status, body: exchange.response))
    }

    /// Which curl failures can have let the server act on the request. Under TLS 1.3 a
    /// refused client certificate arrives as an alert after the handshake ("unknown ca",
    /// "certificate required"…), so a receive error that carries a TLS alert is a refusal
    /// too. Calling it a refusal is safe either way: it stops the run and the item keeps
    /// its bill number.
    static func kind(of code: CURLcode, detail: String) -> TransportError.Kind {
        switch code {
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT, CURLE_COULDNT_RESOLVE_PROXY,
             CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT:
            return .notDelivered
        case CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_PEER_FAILED_VERIFICATION,
             CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_CRL_BADFILE, CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            return .tlsRefused
        default:
            return detail.lowercased().contains(" alert ") ? .tlsRefused : .outcomeUnknown
        }
    }
}

private let curlWriteCallback: ccurl_write_callback = { data, size, count, context in
    let exchange = Unmanaged<Exchange>.fromOpaque(context!).takeUnretainedValue()
    let length = size * count
    guard exchange.response.count + length <= exchange.responseLimit else {
        exchange.overflowed = true
        return 0
    }
    if let data {
        exchange.response.append(contentsOf: UnsafeRawBufferPointer(start: data, count: length))
    }
    return length
}

private let curlReadCallback: ccurl_read_callback = { buffer, size, count, context in
    let exchange = Unmanaged<Exchange>.fromOpaque(context!).takeUnretainedValue()
    let chunk = exchange.body[exchange.bodyOffset...].prefix(size * count)
    UnsafeMutableRawBufferPointer(start: buffer, count: chunk.count).copyBytes(from: chunk)
    exchange.bodyOffset += chunk.count
    return chunk.count
}

/// curl sends a request again on a new connection, unasked, when a reused connection closes
/// before any answer. The server may have acted on the first copy, so the second would be a
/// request the rate limiter and the merchant's quota never counted. Refusing the rewind ends
/// the transfer instead; the run then asks again itself, under the same bill number, through
/// the limiter. A body not yet begun may be started over: nothing of it reached the server.
private let curlSeekCallback: ccurl_seek_callback = { context, offset, _ in
    let exchange = Unmanaged<Exchange>.fromOpaque(context!).takeUnretainedValue()
    guard offset == 0, exchange.bodyOffset == 0 else {
        exchange.resendRefused = true
        return Int32(CURL_SEEKFUNC_CANTSEEK)
    }
    return Int32(CURL_SEEKFUNC_OK)
}

/// curl_global_init is not thread-safe and must run once per process, before any handle.
enum CurlGlobal {
    private static let initialized: Void = {
        let code = curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        precondition(code == CURLE_OK, "curl_global_init failed")
    }()

    static func initialize() {
        _ = initialized
    }
}
