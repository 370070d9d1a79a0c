import Glibc

/// A buffered, owner-only output file (or standard output), written from the ledger's own
/// executor: reports hold recipients' data and must not be readable by other users.
final class OutputFile {
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    private var buffer: [UInt8] = []
    let name: String

    static let standardOutput = "-"

    init(path: String) throws(FileError) {
        if path == Self.standardOutput {
            descriptor = STDOUT_FILENO
            ownsDescriptor = false
            name = "standard output"
        } else {
            let opened = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            guard opened >= 0 else { throw FileError("write", path) }
            // O_CREAT's mode does not apply to a file that already exists.
            guard fchmod(opened, 0o600) == 0 else {
                let failure = FileError("restrict to its owner", path)
                close(opened)
                throw failure
            }
            descriptor = opened
            ownsDescriptor = true
            name = path
        }
        buffer.reserveCapacity(1 << 17)
    }

    deinit {
        if ownsDescriptor { close(descriptor) }
    }

    func append(_ body: (inout [UInt8]) -> Void) throws(FileError) {
        body(&buffer)
        if buffer.count >= 1 << 16 { try flush() }
    }

    func flush() throws(FileError) {
        var offset = 0
        while offset < buffer.count {
            let written = buffer[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard written > 0 else {
                if errno == EINTR { continue }
                throw FileError("write", name)
            }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
