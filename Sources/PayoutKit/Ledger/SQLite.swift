import CSQLite

/// A failed ledger operation. Like GRDB's `DatabaseError`, it carries SQLite's extended
/// result code when SQLite refused, so callers can tell a busy ledger (another process)
/// from a full disk or a broken constraint without reading the message.
public struct LedgerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// nil when the ledger itself refused: closed, a missing campaign, a row that does not
    /// read back as it was written.
    public var resultCode: ResultCode?
    public var message: String

    public init(_ message: String, resultCode: ResultCode? = nil) {
        self.message = message
        self.resultCode = resultCode
    }

    public var description: String { message }
}

/// SQLite's result codes; extended codes keep their primary code in the low byte.
public struct ResultCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32

    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    /// SQLITE_BUSY for SQLITE_BUSY_SNAPSHOT, SQLITE_CONSTRAINT for SQLITE_CONSTRAINT_UNIQUE…
    public var primary: ResultCode { ResultCode(rawValue: rawValue & 0xFF) }

    public static let busy = ResultCode(rawValue: SQLITE_BUSY)
    public static let locked = ResultCode(rawValue: SQLITE_LOCKED)
    public static let full = ResultCode(rawValue: SQLITE_FULL)
    public static let constraint = ResultCode(rawValue: SQLITE_CONSTRAINT)
    public static let readOnly = ResultCode(rawValue: SQLITE_READONLY)
    public static let ioError = ResultCode(rawValue: SQLITE_IOERR)
    public static let corrupt = ResultCode(rawValue: SQLITE_CORRUPT)
    public static let notADatabase = ResultCode(rawValue: SQLITE_NOTADB)

    public var description: String { String(cString: sqlite3_errstr(rawValue)) }
}

/// A value bound to or read from a statement.
enum SQLValue: Equatable {
    case integer(Int)
    case real(Double)
    case text(String)
    case null
}

/// One SQLite connection. Not thread-safe on purpose: the `Ledger` actor owns it and runs
/// every call on its own serial executor, away from Swift's cooperative pool.
final class SQLiteConnection {
    let handle: OpaquePointer
    let path: String

    /// `readOnly` neither creates the file nor writes to it: for looking into a file payout
    /// does not own at that moment.
    init(path: String, readOnly: Bool = false) throws(LedgerError) {
        SQLiteLibrary.configure()
        var handle: OpaquePointer?
        let flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(path, &handle, flags, nil)
        guard code == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(handle)
            throw LedgerError("cannot open ledger \(path): \(message)", resultCode: ResultCode(rawValue: code))
        }
        self.handle = handle
        self.path = path
        sqlite3_busy_timeout(handle, 5000)
        sqlite3_extended_result_codes(handle, 1)
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    func execute(_ sql: String) throws(LedgerError) {
        var error: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &error)
        guard code == SQLITE_OK else {
            let message = error.map { String(cString: $0) } ?? lastError
            sqlite3_free(error)
            throw failure(message, code: code)
        }
    }

    func prepare(_ sql: String) throws(LedgerError) -> Statement {
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard code == SQLITE_OK, let statement else {
            throw failure("\(lastError) in \(sql)", code: code)
        }
        return Statement(statement, connection: self)
    }

    /// Runs `body` in one transaction: committed if it returns, rolled back if it throws.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try inTransaction("BEGIN IMMEDIATE", body)
    }

    private func inTransaction<T>(_ begin: String, _ body: () throws -> T) throws -> T {
        try execute(begin)
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            // A failed ROLLBACK means SQLite already rolled back (it does on some I/O and
            // full-disk errors): the first error is the one that explains what happened.
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// Runs `body`'s reads against one state of the file. A deferred transaction takes no
    /// write lock: a run or reconcile writing meanwhile neither waits nor shows half its work
    /// (in WAL mode the first read fixes what every later one sees).
    func snapshot<T>(_ body: () throws -> T) throws -> T {
        try inTransaction("BEGIN DEFERRED", body)
    }

    func failure(_ message: String, code: Int32) -> LedgerError {
        LedgerError("ledger \(path): \(message)", resultCode: ResultCode(rawValue: code))
    }

    var changes: Int { Int(sqlite3_changes(handle)) }

    var lastInsertRowID: Int { Int(sqlite3_last_insert_rowid(handle)) }

    var lastError: String { String(cString: sqlite3_errmsg(handle)) }
}

/// Process-wide SQLite settings, applied once before the first connection.
enum SQLiteLibrary {
    private static let configured: Void = {
        _ = csqlite_disable_memory_statistics()
    }()

    static func configure() {
        _ = configured
    }
}

/// A prepared statement; reset and rebound for every use, so hot paths prepare once.
final class Statement {
    private let handle: OpaquePointer
    private unowned let connection: SQLiteConnection

    init(_ handle: OpaquePointer, connection: SQLiteConnection) {
        self.handle = handle
        self.connection = connection
    }

    deinit {
        sqlite3_finalize(handle)
    }

    @discardableResult
    func bind(_ values: [SQLValue]) -> Statement {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        for (offset, value) in values.enumerated() {
            bind(value, at: Int32(offset + 1))
        }
        return self
    }

    func bind(_ value: SQLValue, at index: Int32) {
        switch value {
        case .integer(let number): sqlite3_bind_int64(handle, index, sqlite3_int64(number))
        case .real(let number): sqlite3_bind_double(handle, index, number)
        case .null: sqlite3_bind_null(handle, index)
        case .text(var text):
            text.withUTF8 { bytes in
                bytes.withMemoryRebound(to: CChar.self) {
                    _ = csqlite_bind_text_transient(handle, index, $0.baseAddress, Int32($0.count))
                }
            }
        }
    }

    /// Binds raw UTF-8 as text, copied by SQLite; no bytes bind NULL.
    func bind(text bytes: UnsafeBufferPointer<UInt8>, at index: Int32) {
        bytes.withMemoryRebound(to: CChar.self) {
            guard let base = $0.baseAddress, !$0.isEmpty else {
                sqlite3_bind_null(handle, index)
                return
            }
            _ = csqlite_bind_text_transient(handle, index, base, Int32($0.count))
        }
    }

    func bind(integer value: Int, at index: Int32) {
        sqlite3_bind_int64(handle, index, sqlite3_int64(value))
    }

    func reset() {
        sqlite3_reset(handle)
    }

    /// The column's text as raw UTF-8, valid until the next step; empty for NULL.
    func bytes(_ column: Int32) -> UnsafeBufferPointer<UInt8> {
        guard let text = sqlite3_column_text(handle, column) else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(handle, column)))
    }

    /// Steps once: true while a row is available.
    func step() throws(LedgerError) -> Bool {
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw connection.failure(connection.lastError, code: code)
        }
    }

    /// Runs a statement that returns no rows.
    func run(_ values: [SQLValue] = []) throws(LedgerError) {
        bind(values)
        while try step() {}
    }

    /// Every row, each read by `row`.
    func rows<T>(_ values: [SQLValue] = [], _ row: (Statement) throws(LedgerError) -> T) throws(LedgerError) -> [T] {
        bind(values)
        var result: [T] = []
        while try step() {
            result.append(try row(self))
        }
        return result
    }

    func int(_ column: Int32) -> Int {
        Int(sqlite3_column_int64(handle, column))
    }

    func double(_ column: Int32) -> Double {
        sqlite3_column_double(handle, column)
    }

    func text(_ column: Int32) -> String? {
        guard let bytes = sqlite3_column_text(handle, column) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    func isNull(_ column: Int32) -> Bool {
        sqlite3_column_type(handle, column) == SQLITE_NULL
    }

    /// A NOT NULL column read back; a NULL means the file was changed behind payout's back,
    /// and the error names the row so the operator can look at it.
    func requiredText(_ column: Int32, of row: @autoclosure () -> String) throws(LedgerError) -> String {
        guard let value = text(column) else {
            throw LedgerError("ledger \(connection.path): \(row()) has no \(columnName(column))")
        }
        return value
    }

    func columnName(_ column: Int32) -> String {
        sqlite3_column_name(handle, column).map { String(cString: $0) } ?? "column \(column)"
    }
}
