import Foundation
import PayoutKit
import PayoutTestSupport
import RedpackSandbox
import Testing

/// Merchant certificates in every form the merchant platform hands out, and every way
/// they can be wrong.
@Suite struct ClientIdentityTests {
    @Test(arguments: [IdentityForm.pem, .pkcs12])
    func pemAndModernPKCS12Pay(_ form: IdentityForm) async throws {
        try await withSandbox { sandbox in
            let client = try sandbox.client(form)
            defer { client.shutdown() }
            guard case .sent = await client.send(redpack()).outcome else {
                Issue.record("\(form) identity must pay")
                return
            }
        }
    }

    @Test func legacyPKCS12Pays() async throws {
        try await withSandbox { sandbox in
            let legacy = sandbox.configuration.directory.appendingPathComponent("legacy.p12")
            try await openssl(["pkcs12", "-export", "-legacy", "-in", sandbox.clientCertificateFile.path,
                               "-inkey", sandbox.clientKeyFile.path, "-passout", "pass:\(sandbox.configuration.mchID)",
                               "-out", legacy.path])
            let info = try await openssl(["pkcs12", "-info", "-noout", "-legacy", "-in", legacy.path,
                                          "-passin", "pass:\(sandbox.configuration.mchID)"])
            #expect(info.contains("pbeWithSHA1And40BitRC2-CBC") || info.contains("pbeWithSHA1And3-KeyTripleDES-CBC"))
            let identity = try ClientIdentity(certificate: legacy.path, key: nil, password: sandbox.configuration.mchID)
            let client = RedpackClient(merchant: sandbox.merchant(), transport: TransportConfiguration(identity: identity, caFile: sandbox.caFile.path))
            defer { client.shutdown() }
            guard case .sent = await client.send(redpack()).outcome else {
                Issue.record("a legacy .p12 must pay")
                return
            }
        }
    }

    @Test func wrongPKCS12PasswordIsAClearError() async throws {
        try await withSandbox { sandbox in
            let path = sandbox.clientPKCS12File.path
            let error = try #require(throws: ClientIdentityError.self) {
                try ClientIdentity(certificate: path, key: nil, password: "wrong")
            }
            #expect(error.description == "cannot open \(path): wrong password (a merchant .p12's password is its mch_id)")
        }
    }

    @Test func mismatchedKeyIsAClearError() async throws {
        try await withSandbox { sandbox in
            let other = try CertificateAuthority(commonName: "other").issue(commonName: "x", usage: .client)
            let otherKey = sandbox.configuration.directory.appendingPathComponent("other_key.pem")
            try Data(other.keyPEM).write(to: otherKey)
            let certificate = sandbox.clientCertificateFile.path
            let error = try #require(throws: ClientIdentityError.self) {
                try ClientIdentity(certificate: certificate, key: otherKey.path, password: "")
            }
            #expect(error.description == "the private key in \(otherKey.path) does not belong to the certificate in \(certificate)")
        }
    }

    @Test func missingCertificateFileIsNamed() {
        let error = #expect(throws: ClientIdentityError.self) {
            try ClientIdentity(certificate: "/nonexistent/apiclient_cert.pem", key: nil, password: "")
        }
        #expect(error?.description == "client certificate file /nonexistent/apiclient_cert.pem does not exist")
    }

    @Test func certificateFromAnotherAuthorityIsRefusedByTheServer() async throws {
        try await withSandbox { sandbox in
            let stranger = try CertificateAuthority(commonName: "stranger").issue(commonName: "10000098", usage: .client)
            let directory = sandbox.configuration.directory
            let certificate = directory.appendingPathComponent("stranger_cert.pem")
            let key = directory.appendingPathComponent("stranger_key.pem")
            try Data(stranger.certificatePEM).write(to: certificate)
            try Data(stranger.keyPEM).write(to: key)
            let identity = try ClientIdentity(certificate: certificate.path, key: key.path, password: "")
            let client = RedpackClient(merchant: sandbox.merchant(), transport: TransportConfiguration(identity: identity, caFile: sandbox.caFile.path))
            defer { client.shutdown() }
            let outcome = await client.send(redpack()).outcome
            guard case .stopRun(.tlsRefused(let message)) = outcome else {
                Issue.record("a refused client certificate must stop the run, got \(outcome)")
                return
            }
            #expect(message.hasPrefix("TLS refused: "))
            #expect(sandbox.record.requests == 0)
        }
    }

    @Test func serverOutsideTheTrustStoreIsRefused() async throws {
        try await withSandbox { sandbox in
            let client = RedpackClient(
                merchant: sandbox.merchant(),
                transport: TransportConfiguration(identity: try sandbox.identity(), caFile: nil))
            defer { client.shutdown() }
            guard case .stopRun(.tlsRefused) = await client.send(redpack()).outcome else {
                Issue.record("a server not in the system roots must be refused")
                return
            }
            #expect(sandbox.record.requests == 0)
        }
    }

    /// "Any correct WeChat Pay v2 client": the curl command line pays with the sandbox's
    /// files, and is refused without a client certificate.
    @Test func plainCurlPaysWithTheSandboxFilesAndIsRefusedWithout() async throws {
        try await withSandbox { sandbox in
            let signer = Signer(key: APIKey(sandbox.configuration.apiKey))
            let request = redpack()
            var fields = [
                "mch_billno": request.billNumber.rawValue, "mch_id": sandbox.configuration.mchID,
                "wxappid": sandbox.configuration.wxappid, "send_name": request.sendName, "re_openid": request.openid,
                "total_amount": "1000", "total_num": "1", "wishing": request.wishing, "client_ip": "127.0.0.1",
                "act_name": request.actName, "remark": request.remark, "nonce_str": SecureRandom.alphanumeric(32),
            ]
            fields["sign"] = signer.sign(fields)
            let body = fields.map { "<\($0.key)><![CDATA[\($0.value)]]></\($0.key)>" }.joined()
            let url = sandbox.endpoint + "/mmpaymkttransfers/sendredpack"
            let common = ["-sS", "--cacert", sandbox.caFile.path, "--data-binary", "<xml>\(body)</xml>", url]
            let paid = try await run("/usr/bin/curl", ["--cert", sandbox.clientCertificateFile.path, "--key", sandbox.clientKeyFile.path] + common)
            #expect(paid.status == 0)
            #expect(paid.output.contains("<result_code>SUCCESS</result_code>"))
            #expect(sandbox.record.payments.count == 1)
            let refused = try await run("/usr/bin/curl", common)
            #expect(refused.status != 0)
            #expect(sandbox.record.payments.count == 1)
        }
    }
}

@discardableResult
func openssl(_ arguments: [String]) async throws -> String {
    let result = try await run("/usr/bin/openssl", arguments)
    guard result.status == 0 else { throw ProcessFailure(command: "openssl \(arguments.first ?? "")", output: result.output) }
    return result.output
}

struct ProcessFailure: Error {
    var command: String
    var output: String
}

/// Runs `executable arguments…` to completion: its exit status and its stdout and stderr together.
/// Awaited, never waited for on a thread of the cooperative pool (see `runToCompletion`).
func run(_ executable: String, _ arguments: [String]) async throws -> (status: Int32, output: String, outputData: Data) {
    let (status, data) = try await runToCompletion(URL(fileURLWithPath: executable), arguments)
    return (status, String(decoding: data, as: UTF8.self), data)
}
