/// The merchant's 32-character API key. Its description is redacted so that no log line,
/// error text or debug dump can carry it by accident.
public struct APIKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    let bytes: [UInt8]

    public init(_ value: String) {
        bytes = Array(value.utf8)
    }

    public var description: String { "<api key redacted>" }
    public var debugDescription: String { description }
}
