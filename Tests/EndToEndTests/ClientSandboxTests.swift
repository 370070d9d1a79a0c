import Foundation
import PayoutKit
import RedpackSandbox
import Testing

/// The client and the sandbox talking over real TLS on loopback.
@Suite struct ClientSandboxTests {
    @Test func paysOnceAndEchoesTheSendListID() async throws {
        try await withSandboxClient { sandbox, client in
            let request = redpack()
            let result = await client.send(request)
            let payment = try #require(sandbox.record.payments[request.billNumber.rawValue])
            #expect(result.outcome == .sent(sendListID: payment.sendListID))
            #expect(payment.amount == 1000)
            #expect(payment.openid == request.openid)
            #expect(sandbox.record.paidTotal == 1000)
        }
    }

    @Test func systemErrorThenRetryWithTheSameBillNumberPaysOnce() async throws {
        try await withSandboxClient { sandbox, client in
            let request = redpack()
            sandbox.setFaults(systemError: 1)
            let first = await client.send(request)
            #expect(first.outcome == .unknown(reason: "SYSTEMERROR: 系统繁忙,请再试。"))
            #expect(first.errCode == "SYSTEMERROR")
            #expect(sandbox.record.payments.isEmpty)
            sandbox.setFaults()
            let second = await client.send(request)
            let payment = try #require(sandbox.record.payments[request.billNumber.rawValue])
            #expect(second.outcome == .sent(sendListID: payment.sendListID))
            #expect(sandbox.record.payments.count == 1)
            #expect(sandbox.record.requestsByBillNumber[request.billNumber.rawValue] == 2)
        }
    }

    @Test func lostAnswerThenRetryReturnsTheOriginalPayment() async throws {
        try await withSandboxClient { sandbox, client in
            let request = redpack()
            sandbox.setFaults(lost: 1)
            let first = await client.send(request)
            guard case .unknown = first.outcome else {
                Issue.record("a lost answer must be unknown, got \(first.outcome)")
                return
            }
            let payment = try #require(sandbox.record.payments[request.billNumber.rawValue], "the sandbox paid before hanging up")
            sandbox.setFaults()
            let retry = await client.send(request)
            #expect(retry.outcome == .sent(sendListID: payment.sendListID))
            #expect(sandbox.record.payments.count == 1)
            #expect(sandbox.record.paidTotal == request.amount.fen)
            #expect(sandbox.record.outcomes["REENTRY"] == 1)
        }
    }

    /// libcurl sends a request again by itself when a reused connection closes before any
    /// answer: a second arrival that neither the rate limiter nor the merchant's quota counted.
    @Test func aLostAnswerOnAReusedConnectionReachesTheServerOnce() async throws {
        try await withSandboxClient { sandbox, client in
            _ = await client.send(redpack())
            sandbox.setFaults(lost: 1)
            let request = redpack()
            let lost = await client.send(request)
            guard case .unknown = lost.outcome else {
                Issue.record("a lost answer must be unknown, got \(lost.outcome)")
                return
            }
            #expect(sandbox.record.requestsByBillNumber[request.billNumber.rawValue] == 1)
            sandbox.setFaults()
            let retry = await client.send(request)
            let payment = try #require(sandbox.record.payments[request.billNumber.rawValue])
            #expect(retry.outcome == .sent(sendListID: payment.sendListID))
            #expect(sandbox.record.requestsByBillNumber[request.billNumber.rawValue] == 2)
        }
    }

    /// SEND_FAILED proves a packet unpaid, so the sandbox never says it of a number it paid:
    /// re-entry answers the payment; only a number never paid fails.
    @Test func sendFailedOnlyForANumberNeverPaid() async throws {
        try await withSandboxClient { sandbox, client in
            let paid = redpack()
            sandbox.setFaults(lost: 1)
            _ = await client.send(paid)
            let payment = try #require(sandbox.record.payments[paid.billNumber.rawValue])
            sandbox.setFaults(sendFailed: 1)
            #expect(await client.send(paid).outcome == .sent(sendListID: payment.sendListID))
            let fresh = redpack()
            let failed = await client.send(fresh)
            #expect(failed.outcome == .failed(code: "SEND_FAILED", message: "红包发放失败,请更换单号再重试"))
            #expect(sandbox.record.payments[fresh.billNumber.rawValue] == nil)
        }
    }

    @Test func sameBillNumberWithAnotherAmountIsFatal() async throws {
        try await withSandboxClient { sandbox, client in
            let original = redpack(amount: 1000)
            guard case .sent = await client.send(original).outcome else {
                Issue.record("the first send must pay")
                return
            }
            let changed = redpack(original.billNumber, amount: 2000)
            let result = await client.send(changed)
            #expect(result.outcome == .unknown(reason: "FATAL_ERROR: 该订单号已存在,参数与原单不一致: total_amount"),
                    "a record exists under the number: settled with gethbinfo, never failed on its own")
            #expect(result.errCode == "FATAL_ERROR")
            #expect(sandbox.record.paidTotal == 1000)
        }
    }

    @Test func wrongAPIKeyStopsTheRun() async throws {
        try await withSandbox { sandbox in
            let client = try sandbox.client(apiKey: String(repeating: "0", count: 32))
            defer { client.shutdown() }
            #expect(await client.send(redpack()).outcome == .stopRun(.refused(ErrorCode("SIGN_ERROR"), message: "签名错误")),
                    "the live wording by default")
            #expect(sandbox.record.payments.isEmpty)
        }
    }

    @Test func badFieldsAreRefusedNamingTheField() async throws {
        try await withSandboxClient { sandbox, client in
            var request = redpack()
            request.wishing = String(repeating: "祝", count: 129)
            #expect(await client.send(request).outcome == .failed(code: "PARAM_ERROR", message: "参数错误:wishing长度不能超过128个字符"))
            #expect(await client.send(redpack(amount: 99)).outcome
                == .failed(code: "MONEY_LIMIT", message: "每个红包金额必须在100分到20000分之间"))
            #expect(await client.send(redpack(openid: "bad openid!")).outcome == .failed(code: "OPENID_ERROR", message: "openid字段不正确"))
            #expect(sandbox.record.payments.isEmpty)
        }
    }

    @Test func notEnoughMoneyStopsTheRun() async throws {
        try await withSandboxClient({ $0.balance = 1500 }) { sandbox, client in
            guard case .sent = await client.send(redpack(amount: 1000)).outcome else {
                Issue.record("the first packet fits the balance")
                return
            }
            guard case .stopRun(.refused(ErrorCode("NOTENOUGH"), _)) = await client.send(redpack(amount: 1000)).outcome else {
                Issue.record("the second packet must be refused with NOTENOUGH")
                return
            }
            #expect(sandbox.record.paidTotal == 1000)
        }
    }

    @Test func gethbinfoSettlesABillNumber() async throws {
        try await withSandboxClient { sandbox, client in
            let request = redpack()
            _ = await client.send(request)
            guard case .found(let record) = await client.query(request.billNumber) else {
                Issue.record("a paid bill number must be found")
                return
            }
            #expect(record.status == .sent)
            #expect(record.openid == request.openid)
            #expect(record.amount == request.amount)
            #expect(await client.query(TestBills.next()) == .notFound)
        }
    }

    @Test func fiftyConcurrentSendsSucceedOverReusedConnections() async throws {
        try await withSandbox({ $0.latency = .milliseconds(20) }) { sandbox in
            let client = RedpackClient(
                merchant: sandbox.merchant(),
                transport: TransportConfiguration(identity: try sandbox.identity(), caFile: sandbox.caFile.path, maximumConnections: 16))
            defer { client.shutdown() }
            for _ in 0..<2 {
                let outcomes = await withTaskGroup(of: SendOutcome.self) { group in
                    for _ in 0..<50 {
                        group.addTask { await client.send(redpack()).outcome }
                    }
                    return await group.reduce(into: [SendOutcome]()) { $0.append($1) }
                }
                #expect(outcomes.count == 50)
                #expect(outcomes.allSatisfy { if case .sent = $0 { true } else { false } })
            }
            #expect(sandbox.record.payments.count == 100)
            #expect(sandbox.record.connections <= 16, "connections are pooled and reused, not one per request")
        }
    }

    /// A command exits as soon as its client is released, so the client must be done with
    /// curl and OpenSSL by then: a run that left with its transport thread still closing a
    /// wide window of TLS connections died of SIGSEGV, the thread unlocking a lock that
    /// OpenSSL's atexit cleanup had just freed and set to NULL. `withClient` returned at once
    /// then; now it returns only after the thread has closed every connection.
    @Test func withClientReturnsOnlyOnceEveryConnectionIsClosed() async throws {
        try await withSandbox({ $0.latency = .milliseconds(50) }) { sandbox in
            let transport = TransportConfiguration(identity: try sandbox.identity(), caFile: sandbox.caFile.path, maximumConnections: 64)
            let client = try await RedpackClient.withClient(merchant: sandbox.merchant(), transport: transport) { client in
                client.keepConnections(64)
                let outcomes = await withTaskGroup(of: SendOutcome.self) { group in
                    for _ in 0..<64 { group.addTask { await client.send(redpack()).outcome } }
                    return await group.reduce(into: [SendOutcome]()) { $0.append($1) }
                }
                #expect(outcomes.allSatisfy { if case .sent = $0 { true } else { false } })
                #expect(!client.isClosed)
                return client
            }
            #expect(sandbox.record.connections > 32, "a wide window of connections was open")
            #expect(client.isClosed, "every connection closed and curl released before withClient returned")
        }
    }

    /// A request already on the wire when `close()` is called gets its answer; one sent after
    /// fails without reaching the server.
    @Test func closeWaitsForTheRequestsOnTheWire() async throws {
        try await withSandbox({ $0.latency = .milliseconds(300) }) { sandbox in
            let client = try sandbox.client()
            let request = redpack()
            let onTheWire = Task { await client.send(request) }
            let deadline = ContinuousClock.now + .seconds(20)
            while sandbox.record.requestsByBillNumber[request.billNumber.rawValue] == nil && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(5))
            }
            await client.close()
            #expect(client.isClosed)
            let payment = try #require(sandbox.record.payments[request.billNumber.rawValue])
            #expect(await onTheWire.value.outcome == .sent(sendListID: payment.sendListID))
            guard case .unknown = await client.send(redpack()).outcome else {
                Issue.record("a send after close must not be taken for an answer")
                return
            }
            #expect(sandbox.record.payments.count == 1)
        }
    }

    /// The run's window shrinks when answers get fast: the idle connections beyond it close.
    /// Answers take 100 ms so that the 40 sends of a burst are all on the wire at once even
    /// when the machine is busy (at 20 ms a busy test process started them so spread out
    /// that a few reused a connection, and only 30 were opened).
    /// Answers take a second, so the 40 concurrent requests are surely on the wire together
    /// however busy the machine (at 100 ms, a loaded CI host started some only after others
    /// had finished, and they shared connections).
    @Test func connectionPoolFollowsTheWindow() async throws {
        try await withSandboxClient({ $0.latency = .seconds(1) }) { sandbox, client in
            let concurrently = {
                await withTaskGroup(of: Void.self) { group in
                    for _ in 0..<40 { group.addTask { _ = await client.send(redpack()) } }
                }
            }
            client.keepConnections(40)
            await concurrently()
            let wide = sandbox.record.connections
            #expect(wide > 30)
            client.keepConnections(4)
            // Each answer lets curl close one connection over the new limit: 40 quick ones.
            sandbox.setLatency(.zero)
            for _ in 0..<40 { _ = await client.send(redpack()) }
            #expect(sandbox.record.connections == wide, "one at a time reuses what is open")
            sandbox.setLatency(.seconds(1))
            await concurrently()
            #expect(sandbox.record.connections >= wide + 30, "only 4 were kept open")
            #expect(sandbox.record.payments.count == 120)
        }
    }
}
