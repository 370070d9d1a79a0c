#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOHTTP1
import PayoutKit

/// Collects one HTTP request, hands it to the API, and answers after the configured
/// latency — or closes the connection unanswered when the API says the answer is lost.
final class SandboxHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private static let bodyLimit = 64 * 1024

    private let api: SandboxAPI
    private var head: HTTPRequestHead?
    private var body: ByteBuffer?

    init(api: SandboxAPI) {
        self.api = api
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
            body = context.channel.allocator.buffer(capacity: 1024)
        case .body(var chunk):
            if (body?.readableBytes ?? 0) + chunk.readableBytes <= Self.bodyLimit {
                body?.writeBuffer(&chunk)
            } else {
                body = nil
            }
        case .end:
            guard let requestHead = head else { return }
            head = nil
            respond(to: requestHead, body: body, context: context)
        }
    }

    private func respond(to requestHead: HTTPRequestHead, body: ByteBuffer?, context: ChannelHandlerContext) {
        guard requestHead.method == .POST else {
            write(status: .methodNotAllowed, body: Array("POST only".utf8), keepAlive: requestHead.isKeepAlive, context: context)
            return
        }
        guard let body else {
            write(status: .payloadTooLarge, body: [], keepAlive: false, context: context)
            return
        }
        let path = String(requestHead.uri.prefix { $0 != "?" })
        let reply = api.handle(path: path, body: Array(body.readableBytesView))
        let keepAlive = requestHead.isKeepAlive
        let loop = context.eventLoop.assumeIsolated()
        let send = { [self] in
            switch reply.answer {
            case .respond(let status, let body):
                write(status: HTTPResponseStatus(statusCode: status), body: body, keepAlive: keepAlive, context: context)
            case .hangUp:
                context.close(promise: nil)
            case .reset:
                guard let socket = context.channel as? any SocketOptionProvider else {
                    context.close(promise: nil)
                    return
                }
                socket.setSoLinger(linger(l_onoff: 1, l_linger: 0)).assumeIsolated().whenComplete { _ in
                    context.close(promise: nil)
                }
            }
        }
        if reply.delay > .zero {
            loop.scheduleTask(in: .milliseconds(Int64(reply.delay.milliseconds))) { send() }
        } else {
            send()
        }
    }

    private func write(status: HTTPResponseStatus, body: [UInt8], keepAlive: Bool, context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        headers.add(name: "Content-Length", value: String(body.count))
        headers.add(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            done.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }
}
