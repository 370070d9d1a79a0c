import CXML2

/// One element of a WeChat Pay XML message: the API uses flat `<xml><name>value</name>…</xml>`
/// documents, with one nested list (`hblist`) in gethbinfo answers.
public struct XMLNode: Sendable, Equatable {
    public var name: String
    public var text: String
    public var children: [XMLNode]

    public init(name: String, text: String = "", children: [XMLNode] = []) {
        self.name = name
        self.text = text
        self.children = children
    }

    public func child(_ name: String) -> XMLNode? {
        children.first { $0.name == name }
    }

    /// The text of each direct child, by name; where a name repeats, the first wins.
    public var fields: [String: String] {
        var result = [String: String]()
        for child in children where result[child.name] == nil {
            result[child.name] = child.text
        }
        return result
    }
}

public enum XMLMessageError: Error, Equatable, CustomStringConvertible {
    case tooLarge(bytes: Int, limit: Int)
    case declarationsRefused
    case malformed(String)
    case unexpectedRoot(String)
    case unencodable(field: String)

    public var description: String {
        switch self {
        case .tooLarge(let bytes, let limit):
            return "XML of \(bytes) bytes is larger than the \(limit)-byte limit"
        case .declarationsRefused:
            return "XML with a DOCTYPE or entity declaration is refused"
        case .malformed(let reason):
            return "malformed XML: \(reason)"
        case .unexpectedRoot(let name):
            return "XML root element is <\(name)>, expected <xml>"
        case .unencodable(let field):
            return "field \(field) contains a character XML cannot carry"
        }
    }
}

/// Builds requests and reads answers. Answers are untrusted: they are parsed by libxml2
/// with entity substitution, DTD loading and network access off, refused outright if they
/// declare a DTD or entities (no XXE, no billion laughs), and capped in size.
public enum XMLMessage {
    public static let sizeLimit = 1 << 20

    /// `<xml><name>value</name>…</xml>` with the fields in the given order.
    public static func encode(_ fields: [(name: String, value: String)]) throws(XMLMessageError) -> [UInt8] {
        try encode(XMLNode(name: "xml", children: fields.map { XMLNode(name: $0.name, text: $0.value) }))
    }

    /// Values are escaped rather than wrapped in CDATA, so `]]>` in a value needs no special case.
    public static func encode(_ root: XMLNode) throws(XMLMessageError) -> [UInt8] {
        var output = [UInt8]()
        try write(root, into: &output)
        return output
    }

    private static func write(_ node: XMLNode, into output: inout [UInt8]) throws(XMLMessageError) {
        guard isName(node.name) else { throw .unencodable(field: node.name) }
        output += Array("<\(node.name)>".utf8)
        for scalar in node.text.unicodeScalars {
            guard isXMLCharacter(scalar) else { throw .unencodable(field: node.name) }
            switch scalar {
            case "&": output += Array("&amp;".utf8)
            case "<": output += Array("&lt;".utf8)
            case ">": output += Array("&gt;".utf8)
            case "\r": output += Array("&#13;".utf8)
            default: output += Array(String(scalar).utf8)
            }
        }
        for child in node.children {
            try write(child, into: &output)
        }
        output += Array("</\(node.name)>".utf8)
    }

    public static func decode(_ bytes: [UInt8]) throws(XMLMessageError) -> XMLNode {
        guard bytes.count <= sizeLimit else { throw .tooLarge(bytes: bytes.count, limit: sizeLimit) }
        if bytes.firstRange(of: Array("<!DOCTYPE".utf8)) != nil || bytes.firstRange(of: Array("<!ENTITY".utf8)) != nil {
            throw .declarationsRefused
        }
        LibXML.initialize()
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue
            | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue | XML_PARSE_NOBLANKS.rawValue)
        let parsed = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                xmlReadMemory($0, Int32(buffer.count), "answer.xml", "UTF-8", options)
            }
        }
        guard let document = parsed else {
            throw .malformed(lastErrorMessage() ?? "not a well-formed document")
        }
        defer { xmlFreeDoc(document) }
        guard document.pointee.intSubset == nil, document.pointee.extSubset == nil else {
            throw .declarationsRefused
        }
        guard let root = xmlDocGetRootElement(document) else { throw .malformed("no root element") }
        let node = element(root)
        guard node.name == "xml" else { throw .unexpectedRoot(node.name) }
        return node
    }

    /// Only text and CDATA count: entity references are never followed.
    private static func element(_ pointer: xmlNodePtr) -> XMLNode {
        var node = XMLNode(name: String(cString: pointer.pointee.name))
        var child = pointer.pointee.children
        while let current = child {
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                node.children.append(element(current))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = current.pointee.content {
                    node.text += String(cString: content)
                }
            default:
                break
            }
            child = current.pointee.next
        }
        if !node.children.isEmpty {
            node.text = node.text.trimmingASCIIWhitespace()
        }
        return node
    }

    private static func lastErrorMessage() -> String? {
        guard let error = xmlGetLastError(), let message = error.pointee.message else { return nil }
        let text = String(cString: message).trimmingASCIIWhitespace()
        return "line \(error.pointee.line): \(text)"
    }

    private static func isName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { $0.isASCIIAlphanumeric || $0 == UInt8(ascii: "_") }
    }

    private static func isXMLCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }
}

/// libxml2's process-wide set-up, done once however many threads parse at the same time.
enum LibXML {
    private static let initialized: Void = {
        xmlInitParser()
        cxml2_silence_errors()
    }()

    static func initialize() {
        _ = initialized
    }
}

extension String {
    func trimmingASCIIWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[start...end])
    }
}
