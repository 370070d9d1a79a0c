import CXML2
import Foundation
@testable import PayoutKit
import Testing

/// The page itself: hostile texts stay text, the markup parses cleanly, and campaigns of no
/// sends, one send or many read sensibly.
@Suite struct ReportPageTests {
    static let hostileActName = "<script>alert(\"x\")</script>&'q'"
    static let hostileWishing = "</p><img src=x onerror=alert(1)> 祝 &amp; \"你\""
    static let hostileMessage = "<b onmouseover='x'>余额</b> & more"

    static func page(actName: String, wishing: String, failed: Bool = true, reconciled: Bool = false) async throws -> String {
        try await ReportLedger.with(amounts: [100, 200, 300], actName: actName, wishing: wishing) { fixture in
            let items = try await fixture.claim(2)
            let run = try await fixture.ledger.startRun("c1", at: ReportLedger.morning)
            try await fixture.request(items[0], at: 1, outcome: "sent", state: .sent)
            if failed {
                try await fixture.request(items[1], at: 2, outcome: "failed", state: .failed, code: "PARAM_ERROR<i>", message: hostileMessage)
            }
            try await fixture.ledger.finishRun(run, end: .interrupted, at: ReportLedger.morning.addingTimeInterval(3))
            if reconciled {
                try await fixture.packet(items[0], .received, received: ReportLedger.morning.addingTimeInterval(40))
                try await fixture.ledger.markReconciled(fixture.campaign, at: ReportLedger.morning.addingTimeInterval(50))
            }
            let report = CampaignReport(
                try await fixture.ledger.reportSnapshot("c1"),
                settings: .init(budget: nil, perMinute: 1800, campaignArguments: "m.yaml"), generatedAt: ReportLedger.morning.addingTimeInterval(60))
            return ReportPage.html(report)
        }
    }

    @Test func hostileTextsAreEscapedEverywhere() async throws {
        let html = try await Self.page(actName: Self.hostileActName, wishing: Self.hostileWishing)
        #expect(!html.contains("<script"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("<b onmouseover"))
        #expect(!html.contains("<i>"))
        #expect(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;q&#39;"))
        #expect(html.contains("&lt;/p&gt;&lt;img src=x onerror=alert(1)&gt; 祝 &amp;amp; &quot;你&quot;"))
        #expect(html.contains("&lt;b onmouseover=&#39;x&#39;&gt;余额&lt;/b&gt; &amp; more"))
    }

    @Test func thePageParsesCleanlyAndHostileTextsReadBackAsText() async throws {
        let html = try await Self.page(actName: Self.hostileActName, wishing: Self.hostileWishing)
        let parsed = try ParsedHTML(html)
        #expect(parsed.problems == [], "libxml2's HTML parser found problems")
        #expect(parsed.elements(named: "script").isEmpty)
        #expect(parsed.elements(named: "img").isEmpty)
        #expect(parsed.elements(named: "h1").map(\.text) == [Self.hostileActName])
        #expect(parsed.elements(named: "p").contains { $0.text == Self.hostileWishing })
        #expect(parsed.elements(named: "section").count == 4, "sends, status, failures, texts")
    }

    @Test func aReconciledPageStillEscapesAndParsesCleanly() async throws {
        let html = try await Self.page(actName: Self.hostileActName, wishing: Self.hostileWishing, reconciled: true)
        #expect(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;q&#39;"))
        #expect(html.contains("&lt;b onmouseover=&#39;x&#39;&gt;余额&lt;/b&gt; &amp; more"))
        let parsed = try ParsedHTML(html)
        #expect(parsed.problems == [], "libxml2's HTML parser found problems")
        #expect(parsed.elements(named: "script").isEmpty && parsed.elements(named: "img").isEmpty)
        #expect(parsed.elements(named: "h1").map(\.text) == [Self.hostileActName])
        #expect(parsed.elements(named: "section").count == 5, "sends, claims, status, failures, texts")
    }

    @Test func theParserCheckCatchesBrokenMarkup() throws {
        let problems = try ParsedHTML("<!DOCTYPE html><html><body><p>a</b><section>ok</section></body></html>").problems
        #expect(problems.count == 1 && problems[0].contains("end tag"), "the stray </b>; HTML5's <section> is no problem")
    }

    @Test func aCampaignWithNothingSentSaysSo() async throws {
        try await ReportLedger.with(amounts: [100, 200]) { fixture in
            let report = CampaignReport(
                try await fixture.ledger.reportSnapshot("c1"),
                settings: .init(budget: Amount(fen: 1000), perMinute: 1800, campaignArguments: "m.yaml"), generatedAt: ReportLedger.morning)
            let parsed = try ParsedHTML(ReportPage.html(report))
            #expect(parsed.problems.joined(separator: " / ") == "")
            #expect(parsed.text.contains("Nothing has been sent yet."))
            #expect(parsed.text.contains("Not started"))
            #expect(parsed.elements(named: "svg").allSatisfy { $0.attribute("class") == "bar" }, "no sends chart without sends")
        }
    }

    @Test func aCampaignOfOneSendDrawsOneBarPerChart() async throws {
        let html = try await Self.page(actName: "灯谜", wishing: "快乐", failed: false)
        let parsed = try ParsedHTML(html)
        #expect(parsed.problems.joined(separator: " / ") == "")
        let charts = parsed.elements(named: "svg").filter { $0.attribute("class")?.hasPrefix("chart") == true }
        #expect(charts.count == 2)
        #expect(html.components(separatedBy: "fill=\"\(ChartPalette.paid)\"/>").count - 1 == 2, "one paid bar in each chart")
        #expect(parsed.text.contains("09:30:01"), "the first request's time")
    }

    @Test func amountsAreGroupedYuanFromWholeFen() {
        #expect(ReportFormat.yuan(Amount(fen: 0)) == "¥0.00")
        #expect(ReportFormat.yuan(Amount(fen: 123_456_789)) == "¥1,234,567.89")
        #expect(ReportFormat.yuan(Amount(fen: 100_000)) == "¥1,000.00")
        #expect(ReportFormat.yuan(Amount(fen: -5)) == "-¥0.05")
        #expect(ReportFormat.count(1_000_000) == "1,000,000")
        #expect(ReportFormat.percent(permille: 1000) == "100.0%")
    }
}

/// A document as libxml2's HTML parser reads it, with every problem the parser reported.
/// libxml2 knows HTML 4 only, so its complaint about HTML5 and SVG element names is not one.
final class ParsedHTML {
    struct Element {
        let node: xmlNodePtr

        var text: String {
            guard let content = xmlNodeGetContent(node) else { return "" }
            defer { cxml2_free(content) }
            return String(cString: content)
        }

        func attribute(_ name: String) -> String? {
            guard let value = xmlGetProp(node, name) else { return nil }
            defer { cxml2_free(value) }
            return String(cString: value)
        }
    }

    private final class Problems {
        var messages: [String] = []
    }

    let document: htmlDocPtr
    let problems: [String]

    init(_ html: String) throws {
        let collected = Problems()
        let context = Unmanaged.passUnretained(collected).toOpaque()
        xmlSetStructuredErrorFunc(context) { context, error in
            guard let context, let error, error.pointee.code != Int32(XML_HTML_UNKNOWN_TAG.rawValue) else { return }
            let problems = Unmanaged<Problems>.fromOpaque(context).takeUnretainedValue()
            problems.messages.append("line \(error.pointee.line): \(String(cString: error.pointee.message))")
        }
        defer { xmlSetStructuredErrorFunc(nil, nil) }
        let bytes = Array(html.utf8)
        let options = Int32(HTML_PARSE_NONET.rawValue)
        guard let document = bytes.withUnsafeBufferPointer({ buffer in
            buffer.withMemoryRebound(to: CChar.self) { htmlReadMemory($0.baseAddress, Int32($0.count), "report.html", "UTF-8", options) }
        }) else { throw CocoaError(.fileReadCorruptFile) }
        self.document = document
        problems = collected.messages
    }

    deinit {
        xmlFreeDoc(document)
    }

    var text: String {
        Element(node: xmlDocGetRootElement(document)).text
    }

    func elements(named name: String) -> [Element] {
        var found: [Element] = []
        func visit(_ node: xmlNodePtr?) {
            var current = node
            while let node = current {
                if node.pointee.type == XML_ELEMENT_NODE, String(cString: node.pointee.name) == name { found.append(Element(node: node)) }
                visit(node.pointee.children)
                current = node.pointee.next
            }
        }
        visit(xmlDocGetRootElement(document))
        return found
    }
}
