import Glibc

/// A file the operating system refused to create, write, sync or rename, with its reason
/// (`strerror`), so the operator sees which path and why.
public struct FileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var action: String
    public var path: String
    public var code: Int32

    /// Reads `errno` right after the failed call.
    public init(_ action: String, _ path: String, code: Int32 = errno) {
        self.action = action
        self.path = path
        self.code = code
    }

    public var description: String {
        "cannot \(action) \(path): \(String(cString: strerror(code)))"
    }
}
