@testable import PayoutKit
import Testing

@Suite struct XMLMessageTests {
    @Test(arguments: [
        "a < b && c > d",
        "]]> inside",
        "<![CDATA[x]]>",
        "&amp; already escaped",
        "中文 祝福语 😀",
        "line one\r\nline two\ttab",
        "\"quotes\" and 'apostrophes'",
        "",
    ])
    func hostileValuesRoundTrip(_ value: String) throws {
        let encoded = try XMLMessage.encode([("wishing", value), ("remark", "x")])
        let decoded = try XMLMessage.decode(encoded)
        #expect(decoded.fields["wishing"] == value)
        #expect(decoded.fields["remark"] == "x")
    }

    @Test func controlCharactersCannotBeEncoded() {
        #expect(throws: XMLMessageError.unencodable(field: "remark")) {
            try XMLMessage.encode([("remark", "bell\u{07}")])
        }
    }

    @Test func cdataAndPlainTextBothRead() throws {
        let answer = Array("""
            <xml><return_code><![CDATA[SUCCESS]]></return_code><mch_id>10010404</mch_id>
            <unknown_element><nested>1</nested></unknown_element></xml>
            """.utf8)
        let fields = try XMLMessage.decode(answer).fields
        #expect(fields["return_code"] == "SUCCESS")
        #expect(fields["mch_id"] == "10010404")
    }

    @Test func billionLaughsIsRefused() {
        let bomb = """
            <?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
            <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
            <xml><return_code>&d;</return_code></xml>
            """
        #expect(throws: XMLMessageError.declarationsRefused) { try XMLMessage.decode(Array(bomb.utf8)) }
    }

    @Test func externalEntityIsRefused() {
        let xxe = """
            <?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><a>&x;</a></xml>
            """
        #expect(throws: XMLMessageError.declarationsRefused) { try XMLMessage.decode(Array(xxe.utf8)) }
    }

    @Test func undeclaredEntityReferenceIsMalformed() {
        #expect(throws: (any Error).self) { try XMLMessage.decode(Array("<xml><a>&x;</a></xml>".utf8)) }
    }

    @Test func truncatedDocumentIsMalformed() throws {
        let error = try #require(throws: XMLMessageError.self) {
            try XMLMessage.decode(Array("<xml><return_code>SUCC".utf8))
        }
        guard case .malformed = error else {
            Issue.record("expected malformed, got \(error)")
            return
        }
    }

    @Test func tenMegabyteAnswerIsRefused() {
        let huge = Array("<xml><a>".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: 10 << 20) + Array("</a></xml>".utf8)
        #expect(throws: XMLMessageError.tooLarge(bytes: huge.count, limit: XMLMessage.sizeLimit)) {
            try XMLMessage.decode(huge)
        }
    }

    @Test(arguments: ["", "not xml at all", "<html><body>502 Bad Gateway</body></html>", "<xml>", "\u{0}\u{1}\u{2}"])
    func garbageIsAnErrorNotACrash(_ text: String) {
        #expect(throws: XMLMessageError.self) { try XMLMessage.decode(Array(text.utf8)) }
    }

    @Test func nestedListIsRead() throws {
        let answer = Array("<xml><status>SENT</status><hblist><hbinfo><openid>o1</openid><amount>100</amount></hbinfo></hblist></xml>".utf8)
        let root = try XMLMessage.decode(answer)
        #expect(root.child("hblist")?.child("hbinfo")?.fields["openid"] == "o1")
    }
}
