/// CSV cells as Excel reads them safely: quoted when they hold a separator, quote or line
/// break, and prefixed with `'` when they start like a formula (`=`, `+`, `-`, `@`, tab,
/// CR), so a spreadsheet shows the text instead of evaluating it. Works on raw UTF-8 so a
/// million-row report is written without a String per cell.
enum CSVText {
    static func cell(_ bytes: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        let startsLikeFormula = bytes.first.map { $0 == 0x3D || $0 == 0x2B || $0 == 0x2D || $0 == 0x40 || $0 == 0x09 || $0 == 0x0D } ?? false
        let needsQuotes = bytes.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
        if !needsQuotes && !startsLikeFormula {
            output.append(contentsOf: bytes)
            return
        }
        if needsQuotes { output.append(0x22) }
        if startsLikeFormula { output.append(0x27) }
        for byte in bytes {
            if byte == 0x22 { output.append(0x22) }
            output.append(byte)
        }
        if needsQuotes { output.append(0x22) }
    }

    static func cell(_ text: String, into output: inout [UInt8]) {
        var text = text
        text.withUTF8 { cell($0, into: &output) }
    }

    static func integer(_ value: Int, into output: inout [UInt8]) {
        guard value != 0 else {
            output.append(0x30)
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                      UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var rest = value.magnitude
        withUnsafeMutableBytes(of: &digits) { buffer in
            while rest > 0 {
                buffer[count] = UInt8(truncatingIfNeeded: rest % 10) + 0x30
                rest /= 10
                count += 1
            }
            if value < 0 { output.append(0x2D) }
            for index in stride(from: count - 1, through: 0, by: -1) {
                output.append(buffer[index])
            }
        }
    }

    static func row(_ cells: [String], into output: inout [UInt8]) {
        for (index, value) in cells.enumerated() {
            if index > 0 { output.append(0x2C) }
            cell(value, into: &output)
        }
        endRow(&output)
    }

    static func endRow(_ output: inout [UInt8]) {
        output.append(0x0D)
        output.append(0x0A)
    }
}
