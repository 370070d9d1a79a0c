/// One thing wrong with the operator's input, located so it can be fixed: `FILE:LINE: message`.
public struct InputProblem: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    /// 1-based; nil when the problem is the file as a whole.
    public var line: Int?
    public var message: String

    public init(file: String, line: Int?, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        line.map { "\(file):\($0): \(message)" } ?? "\(file): \(message)"
    }
}

/// Bad input: every problem found, in file order. Nothing was written.
public struct InputError: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [InputProblem]

    public init(_ problems: [InputProblem]) {
        self.problems = problems
    }

    public init(file: String, line: Int?, message: String) {
        self.init([InputProblem(file: file, line: line, message: message)])
    }

    public static let shownProblems = 50

    /// The first 50 problems, then how many more there are.
    public var description: String {
        var lines = problems.prefix(Self.shownProblems).map(\.description)
        if problems.count > Self.shownProblems {
            lines.append("… and \(problems.count - Self.shownProblems) more problems")
        }
        return lines.joined(separator: "\n")
    }
}
