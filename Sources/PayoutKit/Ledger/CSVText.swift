import Foundation

/// CSV cells as Excel reads them safely: quoted when they hold a separator, quote or line
/// break, and prefixed with `'` when they start like a formula (`=`, `+`, `-`, `@`, tab,
/// CR), so a spreadsheet shows the text instead of evaluating it.
enum CSVText {
    static func cell(_ value: String, into output: inout [UInt8]) {
        let bytes = value.utf8
        let startsLikeFormula = bytes.first.map { [0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D].contains($0) } ?? false
        let needsQuotes = bytes.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
        if needsQuotes { output.append(0x22) }
        if startsLikeFormula { output.append(0x27) }
        for byte in bytes {
            if byte == 0x22 { output.append(0x22) }
            output.append(byte)
        }
        if needsQuotes { output.append(0x22) }
    }

    static func row(_ cells: [String], into output: inout [UInt8]) {
        for (index, value) in cells.enumerated() {
            if index > 0 { output.append(0x2C) }
            cell(value, into: &output)
        }
        output.append(0x0D)
        output.append(0x0A)
    }

    /// A JSON array of strings: how extra columns are stored in one ledger cell.
    static func jsonArray(_ values: [String]) -> String {
        var output = "["
        for (index, value) in values.enumerated() {
            if index > 0 { output += "," }
            output += "\""
            for scalar in value.unicodeScalars {
                switch scalar {
                case "\"": output += "\\\""
                case "\\": output += "\\\\"
                case "\n": output += "\\n"
                case "\r": output += "\\r"
                case "\t": output += "\\t"
                case _ where scalar.value < 0x20:
                    let hex = String(scalar.value, radix: 16)
                    output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: output.unicodeScalars.append(scalar)
                }
            }
            output += "\""
        }
        return output + "]"
    }

    static func parseJSONArray(_ text: String) -> [String] {
        guard let data = text.data(using: .utf8),
              let array = try? JSONDecoder().decode([String].self, from: data) else { return [] }
        return array
    }
}
