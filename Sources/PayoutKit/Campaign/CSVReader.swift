import Glibc

/// One CSV record and the line of the file it starts on (the header is line 1).
public struct CSVRecord: Sendable, Equatable {
    public var line: Int
    public var fields: [String]
}

/// Streams an RFC 4180 file record by record, in constant memory: quoted cells with commas,
/// quotes and line breaks; CRLF or LF; UTF-8 with or without a BOM, or GB18030/GBK, told
/// apart by whether the start of the file is valid UTF-8. It also fingerprints the raw bytes.
///
/// `nextRow()` is the fast path: the current record's cells stay raw UTF-8 in one reused
/// buffer, so a million rows are read without a String per cell. `next()` builds Strings.
public final class CSVReader {
    public enum Encoding: String, Sendable {
        case utf8 = "UTF-8"
        case utf8BOM = "UTF-8 with BOM"
        case gb18030 = "GB18030"
    }

    public let path: String
    public private(set) var encoding: Encoding = .utf8
    /// The line the current record starts on.
    public private(set) var recordLine = 1
    private let file: UnsafeMutablePointer<FILE>
    private var closed = false
    private var buffer: [UInt8] = []
    private var position = 0
    private var endOfFile = false
    private var line = 1
    private var pendingLF = false
    private var decoder: GB18030Decoder?
    private let hasher = SHA256Hasher()
    private var cellBytes: [UInt8] = []
    private var cellEnds: [Int] = []

    private static let chunkSize = 1 << 16

    public init(path: String) throws(InputError) {
        self.path = path
        file = try Self.open(path)
        cellBytes.reserveCapacity(1024)
        cellEnds.reserveCapacity(16)
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

    /// SHA-256 (hex) of every raw byte read so far: the whole file once reading has ended.
    public var fingerprint: String { hasher.hexDigest() }

    public var cellCount: Int { cellEnds.count }

    /// Rows in the file, judged from its size and the first chunk's line lengths: enough to
    /// size tables once instead of growing them a million rows at a time.
    public private(set) var estimatedRows = 0

    /// A blank line: one empty cell.
    public var isBlankRow: Bool { cellEnds.count == 1 && cellEnds[0] == 0 }

    /// The raw UTF-8 of cell `index` of the current record, valid only inside `body`.
    public func withCell<T, E: Error>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws(E) -> T) throws(E) -> T {
        let start = index == 0 ? 0 : cellEnds[index - 1]
        return try cellBytes.withUnsafeBufferPointer { (bytes) throws(E) -> T in
            try body(UnsafeBufferPointer(rebasing: bytes[start..<cellEnds[index]]))
        }
    }

    public func string(_ index: Int) -> String {
        withCell(index) { String(decoding: $0, as: UTF8.self) }
    }

    /// The next record as Strings, or nil at the end of the file.
    public func next() throws(InputError) -> CSVRecord? {
        guard try nextRow() else { return nil }
        return CSVRecord(line: recordLine, fields: (0..<cellCount).map(string))
    }

    /// Reads the next record into the reused cell buffer; false at the end of the file.
    /// The scan works on local copies of the reader's state: class properties touched per
    /// byte would pay for dynamic exclusivity checks a million times over.
    public func nextRow() throws(InputError) -> Bool {
        var cells = cellBytes
        var ends = cellEnds
        cellBytes = []
        cellEnds = []
        defer {
            cellBytes = cells
            cellEnds = ends
        }
        cells.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        recordLine = line
        var scan = Scan(line: line, pendingLF: pendingLF)
        var complete = false
        while !complete {
            if position == buffer.count {
                if endOfFile { break }
                try refill()
                continue
            }
            var cursor = position
            complete = buffer.withUnsafeBufferPointer { bytes in
                scan.run(bytes, from: &cursor, cells: &cells, ends: &ends)
            }
            position = cursor
        }
        line = scan.line
        pendingLF = scan.pendingLF
        if !complete {
            if scan.inQuotes {
                throw InputError(file: path, line: recordLine, message: "a quoted cell is never closed (a \" is missing)")
            }
            guard !ends.isEmpty || !cells.isEmpty || scan.cellQuoted else { return false }
            ends.append(cells.count)
        }
        if scan.sawHighByte, String(validating: cells, as: UTF8.self) == nil {
            throw InputError(file: path, line: recordLine, message: "not valid UTF-8 text: save the file as CSV UTF-8 (or GBK)")
        }
        return true
    }

    /// The RFC 4180 state machine over one buffer of bytes.
    private struct Scan {
        var line: Int
        var pendingLF: Bool
        var inQuotes = false
        var afterQuote = false
        var cellQuoted = false
        var cellStart = 0
        var sawHighByte = false

        init(line: Int, pendingLF: Bool) {
            self.line = line
            self.pendingLF = pendingLF
        }

        /// Consumes bytes up to the end of a record (true) or of the buffer (false).
        mutating func run(_ bytes: UnsafeBufferPointer<UInt8>, from cursor: inout Int, cells: inout [UInt8], ends: inout [Int]) -> Bool {
            while cursor < bytes.count {
                let byte = bytes[cursor]
                cursor += 1
                if pendingLF {
                    pendingLF = false
                    if byte == 0x0A { continue }
                }
                if byte >= 0x80 { sawHighByte = true }
                if inQuotes {
                    if byte == 0x22 {
                        inQuotes = false
                        afterQuote = true
                    } else {
                        if byte == 0x0A { line += 1 }
                        cells.append(byte)
                    }
                    continue
                }
                if afterQuote {
                    afterQuote = false
                    if byte == 0x22 {
                        cells.append(byte)
                        inQuotes = true
                        continue
                    }
                }
                switch byte {
                case 0x2C:
                    ends.append(cells.count)
                    cellStart = cells.count
                    cellQuoted = false
                case 0x0A, 0x0D:
                    line += 1
                    pendingLF = byte == 0x0D
                    ends.append(cells.count)
                    return true
                case 0x22 where cells.count == cellStart && !cellQuoted:
                    inQuotes = true
                    cellQuoted = true
                default:
                    cells.append(byte)
                    copyOrdinaryRun(bytes, from: &cursor, into: &cells)
                }
            }
            return false
        }

        /// Most bytes are none of `,` `"` CR LF: copy such a run at once, not byte by byte.
        private mutating func copyOrdinaryRun(_ bytes: UnsafeBufferPointer<UInt8>, from cursor: inout Int, into cells: inout [UInt8]) {
            var end = cursor
            while end < bytes.count {
                let byte = bytes[end]
                if byte == 0x2C || byte == 0x22 || byte == 0x0A || byte == 0x0D { break }
                if byte >= 0x80 { sawHighByte = true }
                end += 1
            }
            if end > cursor {
                cells.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[cursor..<end]))
                cursor = end
            }
        }
    }

    private func detectEncoding() throws(InputError) {
        let raw = try readRaw()
        var info = stat()
        let size = fstat(fileno(file), &info) == 0 ? Int(info.st_size) : raw.count
        let lines = max(1, raw.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) })
        estimatedRows = size / max(1, raw.count / lines) + lines
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
        let chunk = [UInt8](unsafeUninitializedCapacity: Self.chunkSize) { storage, count in
            count = fread(storage.baseAddress, 1, Self.chunkSize, file)
        }
        if chunk.count < Self.chunkSize {
            if ferror(file) != 0 {
                throw InputError(file: path, line: line, message: "read error: \(String(cString: strerror(errno)))")
            }
            endOfFile = true
        }
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
