import CCurl
@testable import PayoutKit
import Testing

/// Whether a curl failure can have let the server act on the request decides whether an
/// item may be in flight: the mapping is part of the money-safety argument.
@Suite struct TransportErrorTests {
    @Test func connectionFailuresWereNeverDelivered() {
        #expect(CurlLoop.kind(of: CURLE_COULDNT_CONNECT, detail: "Failed to connect") == .notDelivered)
        #expect(CurlLoop.kind(of: CURLE_COULDNT_RESOLVE_HOST, detail: "Could not resolve host") == .notDelivered)
    }

    @Test func handshakeAndTrustFailuresAreTLSRefusals() {
        #expect(CurlLoop.kind(of: CURLE_PEER_FAILED_VERIFICATION, detail: "SSL certificate problem") == .tlsRefused)
        #expect(CurlLoop.kind(of: CURLE_SSL_CONNECT_ERROR, detail: "handshake failure") == .tlsRefused)
        #expect(CurlLoop.kind(of: CURLE_RECV_ERROR, detail: "SSL_read: error:0A00045C:SSL routines::tlsv13 alert certificate required") == .tlsRefused)
    }

    @Test func everythingAfterTheRequestMayHaveBeenActedOn() {
        #expect(CurlLoop.kind(of: CURLE_OPERATION_TIMEDOUT, detail: "Operation timed out") == .outcomeUnknown)
        #expect(CurlLoop.kind(of: CURLE_GOT_NOTHING, detail: "Empty reply from server") == .outcomeUnknown)
        #expect(CurlLoop.kind(of: CURLE_RECV_ERROR, detail: "Connection reset by peer") == .outcomeUnknown)
        #expect(CurlLoop.kind(of: CURLE_SEND_ERROR, detail: "Broken pipe") == .outcomeUnknown)
    }
}
