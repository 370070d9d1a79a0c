import COpenSSL
import Foundation
import PayoutKit

/// The sandbox's own small PKI, made fresh at every start so that no key is ever committed:
/// a CA, a server certificate for loopback, and a merchant client certificate (PEM and .p12).
public struct SandboxPKI: Sendable {
    public let caCertificatePEM: [UInt8]
    public let serverCertificatePEM: [UInt8]
    public let serverKeyPEM: [UInt8]
    public let clientCertificatePEM: [UInt8]
    public let clientKeyPEM: [UInt8]
    /// PKCS#12 with OpenSSL 3's modern defaults (AES-256, PBKDF2), password = mch_id.
    public let clientPKCS12: [UInt8]

    public static let fileNames = (ca: "ca.pem", certificate: "client_cert.pem", key: "client_key.pem", pkcs12: "client.p12")

    public init(mchID: String, serverCertificate: ServerCertificate = .valid) throws(SandboxError) {
        let authority = try CertificateAuthority(commonName: "payout sandbox CA")
        let loopback = ["IP:127.0.0.1", "DNS:localhost"]
        let server: CertificateAuthority.Issued
        switch serverCertificate {
        case .valid:
            server = try authority.issue(commonName: "127.0.0.1", usage: .server(names: loopback))
        case .expired:
            server = try authority.issue(commonName: "127.0.0.1", usage: .server(names: loopback), validity: (-30 * 86_400)...(-86_400))
        case .wrongHost:
            server = try authority.issue(commonName: "api.example.com", usage: .server(names: ["DNS:api.example.com"]))
        case .selfSigned:
            server = try CertificateAuthority.selfSigned(commonName: "127.0.0.1", names: loopback)
        }
        let client = try authority.issue(commonName: mchID, usage: .client)
        caCertificatePEM = authority.certificatePEM
        serverCertificatePEM = server.certificatePEM
        serverKeyPEM = server.keyPEM
        clientCertificatePEM = client.certificatePEM
        clientKeyPEM = client.keyPEM
        clientPKCS12 = try client.pkcs12(password: mchID)
    }

    /// Writes the files a merchant would have: keys readable by the owner only.
    public func write(to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let files: [(String, [UInt8], Int)] = [
            (Self.fileNames.ca, caCertificatePEM, 0o644),
            (Self.fileNames.certificate, clientCertificatePEM, 0o644),
            (Self.fileNames.key, clientKeyPEM, 0o600),
            (Self.fileNames.pkcs12, clientPKCS12, 0o600),
        ]
        for (name, bytes, mode) in files {
            let path = directory.appendingPathComponent(name).path
            try? FileManager.default.removeItem(atPath: path)
            guard FileManager.default.createFile(atPath: path, contents: Data(bytes), attributes: [.posixPermissions: mode]) else {
                throw SandboxError(message: "cannot write \(path)")
            }
        }
    }
}

public struct SandboxError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// A certificate authority that issues short-lived EC P-256 certificates.
public final class CertificateAuthority: @unchecked Sendable {
    public enum Usage {
        case server(names: [String])
        case client
    }

    /// A certificate and key as OpenSSL objects, freed with this value.
    public final class Issued {
        let certificate: OpaquePointer
        let key: OpaquePointer

        init(certificate: OpaquePointer, key: OpaquePointer) {
            self.certificate = certificate
            self.key = key
        }

        deinit {
            X509_free(certificate)
            EVP_PKEY_free(key)
        }

        public var certificatePEM: [UInt8] { MemoryBIO.collect { PEM_write_bio_X509($0, self.certificate) } }
        public var keyPEM: [UInt8] { MemoryBIO.collect { PEM_write_bio_PrivateKey($0, self.key, nil, nil, 0, nil, nil) } }

        public func pkcs12(password: String) throws(SandboxError) -> [UInt8] {
            guard let p12 = PKCS12_create(password, "payout sandbox client", key, certificate, nil, 0, 0, 0, 0, 0) else {
                throw SandboxError(message: "PKCS12_create failed")
            }
            defer { PKCS12_free(p12) }
            return MemoryBIO.collect { i2d_PKCS12_bio($0, p12) }
        }
    }

    private let root: Issued

    public init(commonName: String) throws(SandboxError) {
        let key = try Self.generateKey()
        let certificate = try Self.build(
            commonName: commonName, publicKey: key, issuer: nil, signingKey: key,
            extensions: ["basicConstraints": "critical,CA:TRUE", "keyUsage": "critical,keyCertSign,cRLSign",
                         "subjectKeyIdentifier": "hash"],
            validity: -3600...(90 * 86_400))
        root = Issued(certificate: certificate, key: key)
    }

    public var certificatePEM: [UInt8] { root.certificatePEM }

    /// - Parameter validity: seconds relative to now; tests pass a past range for an expired certificate.
    public func issue(commonName: String, usage: Usage, validity: ClosedRange<Int> = -3600...(30 * 86_400)) throws(SandboxError) -> Issued {
        let key = try Self.generateKey()
        var extensions = ["basicConstraints": "critical,CA:FALSE", "authorityKeyIdentifier": "keyid"]
        switch usage {
        case .server(let names):
            extensions["keyUsage"] = "critical,digitalSignature,keyAgreement"
            extensions["extendedKeyUsage"] = "serverAuth"
            extensions["subjectAltName"] = names.joined(separator: ",")
        case .client:
            extensions["keyUsage"] = "critical,digitalSignature,keyAgreement"
            extensions["extendedKeyUsage"] = "clientAuth"
        }
        let certificate = try Self.build(
            commonName: commonName, publicKey: key, issuer: root.certificate, signingKey: root.key,
            extensions: extensions, validity: validity)
        return Issued(certificate: certificate, key: key)
    }

    /// A server certificate that vouches for itself, as a careless or hostile server's does.
    public static func selfSigned(commonName: String, names: [String]) throws(SandboxError) -> Issued {
        let key = try generateKey()
        let certificate = try build(
            commonName: commonName, publicKey: key, issuer: nil, signingKey: key,
            extensions: ["basicConstraints": "critical,CA:FALSE", "keyUsage": "critical,digitalSignature,keyAgreement",
                         "extendedKeyUsage": "serverAuth", "subjectAltName": names.joined(separator: ",")],
            validity: -3600...(30 * 86_400))
        return Issued(certificate: certificate, key: key)
    }

    private static func generateKey() throws(SandboxError) -> OpaquePointer {
        guard let key = copenssl_generate_ec_p256() else { throw SandboxError(message: "EC key generation failed") }
        return key
    }

    private static func build(
        commonName: String, publicKey: OpaquePointer, issuer: OpaquePointer?, signingKey: OpaquePointer,
        extensions: [String: String], validity: ClosedRange<Int>
    ) throws(SandboxError) -> OpaquePointer {
        guard let certificate = X509_new() else { throw SandboxError(message: "X509_new failed") }
        var serial = SecureRandom.bytes(16)
        serial[0] &= 0x7F
        let serialNumber = BN_bin2bn(serial, Int32(serial.count), nil)
        defer { BN_free(serialNumber) }
        let name = X509_NAME_new()
        defer { X509_NAME_free(name) }
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, commonName, -1, -1, 0)
        let ok = X509_set_version(certificate, 2) == 1
            && BN_to_ASN1_INTEGER(serialNumber, X509_get_serialNumber(certificate)) != nil
            && X509_gmtime_adj(X509_getm_notBefore(certificate), validity.lowerBound) != nil
            && X509_gmtime_adj(X509_getm_notAfter(certificate), validity.upperBound) != nil
            && X509_set_subject_name(certificate, name) == 1
            && X509_set_issuer_name(certificate, issuer.map { X509_get_subject_name($0) } ?? name) == 1
            && X509_set_pubkey(certificate, publicKey) == 1
        guard ok else {
            X509_free(certificate)
            throw SandboxError(message: "cannot fill in the certificate for \(commonName)")
        }
        var context = X509V3_CTX()
        copenssl_x509v3_set_ctx_nodb(&context)
        X509V3_set_ctx(&context, issuer ?? certificate, certificate, nil, nil, 0)
        for (extensionName, value) in extensions.sorted(by: { $0.key < $1.key }) {
            guard let item = X509V3_EXT_conf_nid(nil, &context, OBJ_sn2nid(extensionName), value) else {
                X509_free(certificate)
                throw SandboxError(message: "bad extension \(extensionName)=\(value)")
            }
            X509_add_ext(certificate, item, -1)
            X509_EXTENSION_free(item)
        }
        guard X509_sign(certificate, signingKey, EVP_sha256()) > 0 else {
            X509_free(certificate)
            throw SandboxError(message: "cannot sign the certificate for \(commonName)")
        }
        return certificate
    }
}
