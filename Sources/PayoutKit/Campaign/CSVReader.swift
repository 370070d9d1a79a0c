import Glibc

/// One CSV record and the line of the file it starts on (the header is line 1).
public struct CSVRecord: Sendable, Equatable {
    public var line: Int
    public var fields: [String]

    public var isBlank: Bool { fields.count == 1 && fields[0].isEmpty }
}

/// Streams an RFC 4180 file record by record, in constant memory: quoted cells with commas,
/// quotes and line breaks; CRLF or LF; UTF-8 with or without a BOM, or GB18030/GBK, told
/// apart by whether the start of the file is valid UTF-8. It also fingerprints the raw bytes.
public final class CSVReader {
    public enum Encoding: String, Sendable {
        case utf8 = "UTF-8"
        case utf8BOM = "UTF-8 with BOM"
        case gb18030 = "GB18030"
    }

    public let path: String
    public private(set) var encoding: Encoding = .utf8
    private let file: UnsafeMutablePointer<FILE>
    private var buffer: [UInt8] = []
    private var position = 0
    private var endOfFile = false
    private var line = 1
    private var decoder: GB18030Decoder?
    private let hasher = SHA256Hasher()
    private var pendingLF = false
    private var closed = false

    private static let chunkSize = 1 << 16

    public init(path: String) throws(InputError) {
        self.path = path
        self.file = try Self.open(path)
        do {
            try detectEncoding()
        } catch {
            fclose(file)
            closed = true
            throw error
        }
    }

    /// Opens a recipients file for reading, or says why it cannot be.
    static func open(_ path: String) throws(InputError) -> UnsafeMutablePointer<FILE> {
        guard let file = fopen(path, "rb") else {
            let code = errno
            let reason = code == ENOENT ? "does not exist" : "cannot be read (\(String(cString: strerror(code))))"
            throw InputError(file: path, line: nil, message: "recipients file \(reason)")
        }
        return file
    }

    deinit {
        if !closed { fclose(file) }
    }

    /// SHA-256 (hex) of every raw byte read so far: the whole file once `next()` returned nil.
    public var fingerprint: String { hasher.hexDigest() }

    /// The next record, or nil at the end of the file.
    public func next() throws(InputError) -> CSVRecord? {
        var fields: [String] = []
        var field: [UInt8] = []
        var inQuotes = false
        var afterQuote = false
        var quoted = false
        let start = line
        while true {
            if position == buffer.count {
                if endOfFile { break }
                try refill()
                continue
            }
            let byte = buffer[position]
            position += 1
            if pendingLF {
                pendingLF = false
                if byte == UInt8(ascii: "\n") { continue }
            }
            if inQuotes {
                if byte == UInt8(ascii: "\"") {
                    inQuotes = false
                    afterQuote = true
                } else {
                    if byte == UInt8(ascii: "\n") { line += 1 }
                    field.append(byte)
                }
                continue
            }
            if afterQuote {
                afterQuote = false
                if byte == UInt8(ascii: "\"") {
                    field.append(byte)
                    inQuotes = true
                    continue
                }
            }
            switch byte {
            case UInt8(ascii: ","):
                fields.append(try text(field, line: start))
                field.removeAll(keepingCapacity: true)
                quoted = false
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                line += 1
                pendingLF = byte == UInt8(ascii: "\r")
                fields.append(try text(field, line: start))
                return CSVRecord(line: start, fields: fields)
            case UInt8(ascii: "\"") where field.isEmpty && !quoted:
                inQuotes = true
                quoted = true
            default:
                field.append(byte)
            }
        }
        if inQuotes {
            throw InputError(file: path, line: start, message: "a quoted cell is never closed (a \" is missing)")
        }
        guard !fields.isEmpty || !field.isEmpty || quoted else { return nil }
        fields.append(try text(field, line: start))
        return CSVRecord(line: start, fields: fields)
    }

    private func text(_ bytes: [UInt8], line: Int) throws(InputError) -> String {
        guard let value = String(validating: bytes, as: UTF8.self) else {
            throw InputError(file: path, line: line, message: "not valid UTF-8 text: save the file as CSV UTF-8 (or GBK)")
        }
        return value
    }

    private func detectEncoding() throws(InputError) {
        let raw = try readRaw()
        if raw.starts(with: [0xEF, 0xBB, 0xBF]) {
            encoding = .utf8BOM
            buffer = Array(raw.dropFirst(3))
        } else if raw.starts(with: [0xFF, 0xFE]) || raw.starts(with: [0xFE, 0xFF]) {
            throw InputError(file: path, line: nil, message: "is UTF-16 text: save it as CSV UTF-8 (or GBK)")
        } else if Self.isUTF8Prefix(raw, complete: endOfFile) {
            buffer = raw
        } else {
            encoding = .gb18030
            guard let decoder = GB18030Decoder() else {
                throw InputError(file: path, line: nil, message: "is not UTF-8, and GB18030 decoding is unavailable on this system")
            }
            self.decoder = decoder
            buffer = try decode(raw)
        }
    }

    private func refill() throws(InputError) {
        let raw = try readRaw()
        buffer = decoder == nil ? raw : try decode(raw)
        position = 0
    }

    private func decode(_ raw: [UInt8]) throws(InputError) -> [UInt8] {
        guard let decoded = decoder?.decode(raw[...], final: endOfFile) else {
            throw InputError(file: path, line: line, message: "neither valid UTF-8 nor GB18030 text")
        }
        return decoded
    }

    private func readRaw() throws(InputError) -> [UInt8] {
        var chunk = [UInt8](repeating: 0, count: Self.chunkSize)
        let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, Self.chunkSize, file) }
        if count < Self.chunkSize {
            if ferror(file) != 0 {
                throw InputError(file: path, line: line, message: "read error: \(String(cString: strerror(errno)))")
            }
            endOfFile = true
        }
        chunk.removeSubrange(count...)
        chunk.withUnsafeBytes { hasher.update($0) }
        return chunk
    }

    /// Valid UTF-8, allowing a sequence cut off by the end of the chunk.
    static func isUTF8Prefix(_ bytes: [UInt8], complete: Bool) -> Bool {
        if String(validating: bytes, as: UTF8.self) != nil { return true }
        guard !complete else { return false }
        for cut in 1...3 where bytes.count > cut {
            if String(validating: bytes.dropLast(cut), as: UTF8.self) != nil { return true }
        }
        return false
    }
}
