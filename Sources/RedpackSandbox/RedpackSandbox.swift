import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import PayoutKit

/// A local stand-in for WeChat Pay's red packet API: HTTPS on loopback that requires a
/// client certificate from its own CA, answers sendredpack and gethbinfo like the real
/// service, keeps its own record of what it paid, and plays the failures it is told to.
public final class RedpackSandbox: Sendable {
    public let configuration: SandboxConfiguration
    public let port: Int
    public let pki: SandboxPKI
    private let api: SandboxAPI
    private let channel: any Channel
    private let group: MultiThreadedEventLoopGroup

    /// Makes the PKI, writes the merchant's files into `configuration.directory`, and listens.
    public static func start(_ configuration: SandboxConfiguration) async throws -> RedpackSandbox {
        let pki = try SandboxPKI(mchID: configuration.mchID, serverCertificate: configuration.serverCertificate)
        try pki.write(to: configuration.directory)
        let api = try SandboxAPI(configuration: configuration)
        var tls = TLSConfiguration.makeServerConfigurationWithMTLS(
            certificateChain: [.certificate(try NIOSSLCertificate(bytes: pki.serverCertificatePEM, format: .pem))],
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: pki.serverKeyPEM, format: .pem)),
            trustRoots: .certificates([try NIOSSLCertificate(bytes: pki.caCertificatePEM, format: .pem)]))
        if configuration.legacyTLSOnly {
            tls.minimumTLSVersion = .tlsv1
            tls.maximumTLSVersion = .tlsv11
        } else {
            tls.minimumTLSVersion = .tlsv12
        }
        let sslContext = try NIOSSLContext(configuration: tls)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 512)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    api.noteConnection()
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHandler(NIOSSLServerHandler(context: sslContext))
                    try pipeline.configureHTTPServerPipeline(withErrorHandling: true)
                    try pipeline.addHandler(SandboxHTTPHandler(api: api))
                }
            }
        do {
            let channel = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
            return RedpackSandbox(configuration: configuration, pki: pki, api: api, channel: channel, group: group)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// A sandbox for `body`, shut down on every way out.
    public static func withSandbox<T>(
        _ configuration: SandboxConfiguration, _ body: (RedpackSandbox) async throws -> T
    ) async throws -> T {
        try await withReleasing(try await start(configuration), release: { await $0.shutdown() }, body)
    }

    private init(configuration: SandboxConfiguration, pki: SandboxPKI, api: SandboxAPI, channel: any Channel, group: MultiThreadedEventLoopGroup) {
        self.configuration = configuration
        self.pki = pki
        self.api = api
        self.channel = channel
        self.group = group
        self.port = channel.localAddress?.port ?? configuration.port
    }

    public var endpoint: String { "https://\(configuration.host):\(port)" }

    /// The line `payout sandbox` prints once it listens; scripts read the port from it.
    public var listeningLine: String {
        "listening \(endpoint) mch_id=\(configuration.mchID) wxappid=\(configuration.wxappid) api_key=\(configuration.apiKey)"
    }

    public func file(_ name: String) -> URL {
        configuration.directory.appendingPathComponent(name)
    }

    public var caFile: URL { file(SandboxPKI.fileNames.ca) }
    public var clientCertificateFile: URL { file(SandboxPKI.fileNames.certificate) }
    public var clientKeyFile: URL { file(SandboxPKI.fileNames.key) }
    public var clientPKCS12File: URL { file(SandboxPKI.fileNames.pkcs12) }

    /// What the sandbox has paid and seen so far.
    public var record: SandboxRecord { api.record }

    /// The sandbox's clock (`now` plus `clockOffset`): read packet states at it to see what
    /// gethbinfo answers at this moment.
    public var now: Date { configuration.currentTime() }

    /// Tops the account up (or empties it) while running; nil is unlimited.
    public func setBalance(_ fen: Int?) {
        api.raiseBalance(to: fen)
    }

    /// Changes the injected faults while running, so a test can fail a request, then let its retry through.
    public func setFaults(systemError: Double = 0, lost: Double = 0, sendFailed: Double = 0) {
        api.setFaults(systemError: systemError, lost: lost, sendFailed: sendFailed)
    }

    /// Changes how long each answer takes while running (before jitter and slow answers).
    public func setLatency(_ latency: Duration) {
        api.setLatency(latency)
    }

    /// Every answer bad this way from now on (the sandbox still pays first), until nil.
    public func forceBadAnswer(_ kind: BadAnswer?) {
        api.forceBadAnswer(kind)
    }

    /// gethbinfo answers `status` for `billNumber` from now on, paid or not, even unknown;
    /// nil goes back to the truth.
    public func forceQueryStatus(billNumber: String, status: ForcedQueryStatus?) {
        api.forceQueryStatus(billNumber: billNumber, status: status)
    }

    public func shutdown() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
    }
}
