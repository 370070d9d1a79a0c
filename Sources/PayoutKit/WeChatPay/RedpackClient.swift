/// Speaks sendredpack and gethbinfo for one merchant over one HTTPS transport.
public final class RedpackClient: RedpackAPI {
    public let merchant: Merchant
    private let signer: Signer
    private let transport: HTTPTransport
    /// Measures each exchange's latency; injected so tests read exact figures.
    private let clock: any Clock<Duration>

    public init(merchant: Merchant, transport: TransportConfiguration, clock: any Clock<Duration> = ContinuousClock()) {
        self.merchant = merchant
        self.signer = Signer(key: merchant.apiKey)
        self.transport = HTTPTransport(configuration: transport)
        self.clock = clock
    }

    /// A client for `body` whose connections are closed on every way out, and whose
    /// transport thread is done with curl and OpenSSL before this returns: a command may
    /// exit right after (see `HTTPTransport.close()`).
    public static func withClient<T>(
        merchant: Merchant, transport: TransportConfiguration, _ body: (RedpackClient) async throws -> T
    ) async throws -> T {
        try await withReleasing(RedpackClient(merchant: merchant, transport: transport), release: { await $0.close() }, body)
    }

    /// One attempt at paying `request`. Never throws: every way an exchange can end is
    /// an outcome the run must record.
    public func send(_ request: RedpackRequest) async -> SendResult {
        let body: [UInt8]
        do {
            body = try signedBody(request.fields(for: merchant))
        } catch {
            return SendResult(
                outcome: .stopRun(.invalidRequest(message: error.description)),
                errCode: nil, errCodeDescription: nil, latency: .zero)
        }
        let (exchange, latency) = await Self.timed(on: clock) {
            await self.exchange(path: "/mmpaymkttransfers/sendredpack", body: body)
        }
        let classified = AnswerPolicy.classifySend(exchange, request: request, signer: signer)
        return SendResult(
            outcome: classified.outcome, errCode: classified.errCode,
            errCodeDescription: classified.errCodeDescription, latency: latency)
    }

    private static func timed<C: Clock<Duration>, T>(on clock: C, _ work: () async -> T) async -> (T, Duration) {
        let start = clock.now
        let value = await work()
        return (value, start.duration(to: clock.now))
    }

    /// What the server knows about a bill number: how a lingering unknown is settled.
    public func query(_ billNumber: BillNumber) async -> QueryOutcome {
        let fields: [(name: String, value: String)] = [
            ("mch_billno", billNumber.rawValue),
            ("mch_id", merchant.mchID),
            ("appid", merchant.wxappid),
            ("bill_type", "MCHT"),
        ]
        let body: [UInt8]
        do {
            body = try signedBody(fields)
        } catch {
            return .stopRun(.invalidRequest(message: error.description))
        }
        return AnswerPolicy.classifyQuery(await exchange(path: "/mmpaymkttransfers/gethbinfo", body: body), signer: signer)
    }

    public func keepConnections(_ count: Int) {
        transport.keepConnections(count)
    }

    /// Waits for requests on the wire, then closes the connections; returns at once.
    public func shutdown() {
        transport.shutdown()
    }

    /// Waits for requests on the wire, closes the connections, and returns once the
    /// transport thread has released curl and OpenSSL: what a process does before it exits.
    public func close() async {
        await transport.close()
    }

    /// Whether the transport thread is done with curl and OpenSSL.
    public var isClosed: Bool {
        transport.isClosed
    }

    private func signedBody(_ fields: [(name: String, value: String)]) throws(XMLMessageError) -> [UInt8] {
        var fields = fields
        fields.append(("nonce_str", SecureRandom.alphanumeric(32)))
        let sign = signer.sign(Dictionary(fields.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first }))
        fields.append(("sign", sign))
        return try XMLMessage.encode(fields)
    }

    private func exchange(path: String, body: [UInt8]) async -> Result<HTTPResponse, TransportError> {
        let base = merchant.endpoint.hasSuffix("/") ? String(merchant.endpoint.dropLast()) : merchant.endpoint
        do {
            return .success(try await transport.post(base + path, body: body))
        } catch {
            return .failure(error)
        }
    }
}
