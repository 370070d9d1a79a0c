import COpenSSL
import Foundation

/// The merchant's client certificate and private key, loaded and checked once at start-up
/// and handed to libcurl in memory as PEM.
///
/// Merchant platforms hand out `apiclient_cert.p12` files that are often encrypted the
/// legacy way (RC2-40 or 3DES with a SHA-1 MAC). OpenSSL 3 refuses those without its
/// `legacy` provider, and libcurl given such a file fails with error 58, so payout opens
/// every .p12 itself, with the legacy provider loaded, and never gives curl the file.
public struct ClientIdentity: Sendable {
    let certificatePEM: [UInt8]
    /// Secret: lives in memory only and is never printed.
    let privateKeyPEM: [UInt8]

    /// - Parameters:
    ///   - certificate: a PEM certificate (optionally followed by its key), or a .p12/.pfx.
    ///   - key: the PEM private key; nil with a .p12, or when the PEM file holds the key too.
    ///   - password: the .p12 password (WeChat Pay uses the mch_id), also tried on an
    ///     encrypted PEM key.
    public init(certificate: String, key: String?, password: String) throws(ClientIdentityError) {
        OpenSSLProviders.load()
        let certificateBytes = try Self.read(certificate)
        let looksLikePEM = certificateBytes.firstRange(of: Array("-----BEGIN".utf8)) != nil
        let pair: (X509Box, PrivateKeyBox)
        if !looksLikePEM {
            guard key == nil else { throw .keyWithPKCS12(certificate: certificate) }
            pair = try Self.openPKCS12(certificateBytes, path: certificate, password: password)
        } else {
            let cert = try Self.readCertificate(certificateBytes, path: certificate)
            let keyPath = key ?? certificate
            let keyBytes = key == nil ? certificateBytes : try Self.read(keyPath)
            guard let privateKey = Self.readPrivateKey(keyBytes, password: password) else {
                if key == nil { throw .missingKey(certificate: certificate) }
                throw .notAPrivateKey(path: keyPath)
            }
            pair = (cert, privateKey)
        }
        guard X509_check_private_key(pair.0.pointer, pair.1.pointer) == 1 else {
            ERR_clear_error()
            throw .keyMismatch(certificate: certificate, key: key ?? certificate)
        }
        certificatePEM = MemoryBIO.collect { PEM_write_bio_X509($0, pair.0.pointer) }
        privateKeyPEM = MemoryBIO.collect { PEM_write_bio_PrivateKey($0, pair.1.pointer, nil, nil, 0, nil, nil) }
    }

    private static func read(_ path: String) throws(ClientIdentityError) -> [UInt8] {
        do {
            return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read" : "does not exist"
            throw .unreadable(path: path, reason: reason)
        }
    }

    private static func readCertificate(_ bytes: [UInt8], path: String) throws(ClientIdentityError) -> X509Box {
        let certificate = MemoryBIO.reading(bytes) { PEM_read_bio_X509($0, nil, nil, nil) }
        guard let certificate else {
            ERR_clear_error()
            throw .notACertificate(path: path)
        }
        return X509Box(certificate)
    }

    private static func readPrivateKey(_ bytes: [UInt8], password: String) -> PrivateKeyBox? {
        let key = password.withCString { passphrase in
            MemoryBIO.reading(bytes) {
                PEM_read_bio_PrivateKey($0, nil, nil, UnsafeMutableRawPointer(mutating: passphrase))
            }
        }
        ERR_clear_error()
        return key.map(PrivateKeyBox.init)
    }

    private static func openPKCS12(_ bytes: [UInt8], path: String, password: String) throws(ClientIdentityError) -> (X509Box, PrivateKeyBox) {
        guard let p12 = MemoryBIO.reading(bytes, { d2i_PKCS12_bio($0, nil) }) else {
            ERR_clear_error()
            throw .notACertificate(path: path)
        }
        defer { PKCS12_free(p12) }
        guard PKCS12_verify_mac(p12, password, Int32(password.utf8.count)) == 1 else {
            ERR_clear_error()
            throw .wrongPassword(path: path)
        }
        var key: OpaquePointer?
        var certificate: OpaquePointer?
        guard PKCS12_parse(p12, password, &key, &certificate, nil) == 1, let key, let certificate else {
            let reason = OpenSSLError.drain()
            throw .unusablePKCS12(path: path, reason: reason)
        }
        return (X509Box(certificate), PrivateKeyBox(key))
    }
}

public enum ClientIdentityError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case notACertificate(path: String)
    case notAPrivateKey(path: String)
    case missingKey(certificate: String)
    case keyWithPKCS12(certificate: String)
    case keyMismatch(certificate: String, key: String)
    case wrongPassword(path: String)
    case unusablePKCS12(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "client certificate file \(path) \(reason)"
        case .notACertificate(let path):
            return "\(path) is not a PEM certificate or a PKCS#12 (.p12) file"
        case .notAPrivateKey(let path):
            return "\(path) holds no readable PEM private key"
        case .missingKey(let certificate):
            return "\(certificate) holds a certificate but no private key: set merchant.key to the key file"
        case .keyWithPKCS12(let certificate):
            return "\(certificate) is a PKCS#12 file, which carries its own key: remove merchant.key"
        case .keyMismatch(let certificate, let key):
            return "the private key in \(key) does not belong to the certificate in \(certificate)"
        case .wrongPassword(let path):
            return "cannot open \(path): wrong password (a merchant .p12's password is its mch_id)"
        case .unusablePKCS12(let path, let reason):
            return "cannot read the certificate and key in \(path): \(reason)"
        }
    }
}

/// OpenSSL's providers are process-wide: the legacy one (RC2, 3DES, MD4…) is loaded beside
/// the default one exactly once, however many identities are opened concurrently.
enum OpenSSLProviders {
    private static let loaded: Bool = {
        let defaultProvider = OSSL_PROVIDER_load(nil, "default")
        let legacyProvider = OSSL_PROVIDER_load(nil, "legacy")
        ERR_clear_error()
        return defaultProvider != nil && legacyProvider != nil
    }()

    static func load() {
        _ = loaded
    }
}

enum OpenSSLError {
    /// The oldest queued OpenSSL error as text, and an empty queue afterwards.
    static func drain() -> String {
        let code = ERR_get_error()
        ERR_clear_error()
        guard code != 0 else { return "unknown OpenSSL error" }
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Memory BIOs, the way OpenSSL reads and writes PEM and DER without touching the disk.
public enum MemoryBIO {
    public static func reading<T>(_ bytes: [UInt8], _ body: (OpaquePointer) -> T?) -> T? {
        bytes.withUnsafeBytes { buffer in
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else { return nil }
            defer { BIO_free(bio) }
            return body(bio)
        }
    }

    public static func collect(_ body: (OpaquePointer) -> Int32) -> [UInt8] {
        guard let bio = BIO_new(BIO_s_mem()) else { fatalError("out of memory") }
        defer { BIO_free(bio) }
        precondition(body(bio) == 1, "writing to a memory BIO failed")
        var data: UnsafeMutablePointer<CChar>?
        let length = copenssl_bio_get_mem_data(bio, &data)
        guard let data, length > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: data, count: length))
    }
}

/// Owns an X509 pointer for the length of a load.
final class X509Box {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { X509_free(pointer) }
}

/// Owns an EVP_PKEY pointer for the length of a load.
final class PrivateKeyBox {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { EVP_PKEY_free(pointer) }
}
