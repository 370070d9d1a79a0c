import Foundation
import PayoutKit
import RedpackSandbox

/// Starts a sandbox in a fresh folder for one test and always shuts it down.
func withSandbox<T>(
    _ configure: (inout SandboxConfiguration) -> Void = { _ in },
    _ body: (RedpackSandbox) async throws -> T
) async throws -> T {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("payout-e2e-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    var configuration = SandboxConfiguration(directory: directory)
    configuration.seed = 42
    configure(&configuration)
    return try await RedpackSandbox.withSandbox(configuration, body)
}

/// A sandbox and a client of it for one test, both shut down on every way out.
func withSandboxClient<T>(
    _ configure: (inout SandboxConfiguration) -> Void = { _ in },
    _ body: (RedpackSandbox, RedpackClient) async throws -> T
) async throws -> T {
    try await withSandbox(configure) { sandbox in
        let client = try sandbox.client()
        defer { client.shutdown() }
        return try await body(sandbox, client)
    }
}

enum IdentityForm {
    case pem
    case pkcs12
}

extension RedpackSandbox {
    func merchant(apiKey: String? = nil, clientIP: String = "192.168.0.1") -> Merchant {
        Merchant(
            mchID: configuration.mchID, wxappid: configuration.wxappid, clientIP: clientIP,
            apiKey: APIKey(apiKey ?? configuration.apiKey), endpoint: endpoint)
    }

    func identity(_ form: IdentityForm = .pem) throws -> ClientIdentity {
        switch form {
        case .pem:
            return try ClientIdentity(certificate: clientCertificateFile.path, key: clientKeyFile.path, password: configuration.mchID)
        case .pkcs12:
            return try ClientIdentity(certificate: clientPKCS12File.path, key: nil, password: configuration.mchID)
        }
    }

    func client(
        _ form: IdentityForm = .pem, apiKey: String? = nil, clientIP: String = "192.168.0.1", totalTimeout: Duration = .seconds(10)
    ) throws -> RedpackClient {
        RedpackClient(
            merchant: merchant(apiKey: apiKey, clientIP: clientIP),
            transport: TransportConfiguration(identity: try identity(form), caFile: caFile.path, totalTimeout: totalTimeout))
    }

    /// gethbinfo's whole answer as the wire carries it, hblist included: the fields a
    /// reconcile reads beyond those `RedpackClient.query` keeps.
    func gethbinfo(_ billNumber: BillNumber) async throws -> XMLNode {
        let transport = HTTPTransport(configuration: TransportConfiguration(identity: try identity(), caFile: caFile.path))
        defer { transport.shutdown() }
        var fields = ["mch_billno": billNumber.rawValue, "mch_id": configuration.mchID, "appid": configuration.wxappid,
                      "bill_type": "MCHT", "nonce_str": SecureRandom.alphanumeric(32)]
        fields["sign"] = Signer(key: APIKey(configuration.apiKey)).sign(fields)
        let body = try XMLMessage.encode(fields.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) })
        return try XMLMessage.decode(try await transport.post(endpoint + "/mmpaymkttransfers/gethbinfo", body: body).body)
    }
}

/// Bill numbers that never collide within a test process.
enum TestBills {
    private static let counter = Counter()

    static func next(mchID: String = "10000098") -> BillNumber {
        BillNumber(mchID: mchID, dateStamp: BeijingTime.dateStamp(Date()), sequence: counter.next())
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = Int.random(in: 0..<1_000_000) * 1000

    func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }
}

func redpack(_ billNumber: BillNumber = TestBills.next(), openid: String = "oxTWIuGaIt6gTKsQRLau2M0yL16E", amount: Int = 1000) -> RedpackRequest {
    RedpackRequest(
        billNumber: billNumber, openid: openid, amount: Amount(fen: amount), sendName: "天虹百货",
        wishing: "感谢您参加猜灯谜活动,祝您元宵节快乐!", actName: "猜灯谜抢红包活动", remark: "猜越多得越多,快来抢!")
}
