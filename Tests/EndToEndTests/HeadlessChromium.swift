import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Headless Chromium driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`:
/// requests on fd 3, answers and events on fd 4, each a JSON object ending in NUL) — no port,
/// no WebSocket client, nothing to install beyond the browser. Its answers are awaited, polled
/// with `Task.sleep` rather than a blocking `poll` that would hold one of the cooperative pool's
/// two threads on the CI machine while the browser loads, renders or prints a page.
final class HeadlessChromium {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The browser on PATH, if any; `Scripts/setup-test-tools` installs Debian's `chromium`.
    static let executable: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            for folder in path.split(separator: ":") where access("\(folder)/\(name)", X_OK) == 0 {
                return "\(folder)/\(name)"
            }
        }
        return nil
    }()

    private let pid: pid_t
    private let profile: URL
    private let commands: Int32
    private let answers: Int32
    private var buffer: [UInt8] = []
    private var nextID = 0
    /// Every event received so far, oldest first.
    private(set) var events: [[String: Any]] = []

    /// Starts the browser with a fresh profile, removed when it exits, and its log in `folder`.
    init(folder: URL) throws {
        guard let executable = Self.executable else {
            throw Failure(description: "chromium is not installed: run Scripts/setup-test-tools")
        }
        var toBrowser: [Int32] = [0, 0], fromBrowser: [Int32] = [0, 0]
        guard pipe(&toBrowser) == 0, pipe(&fromBrowser) == 0 else {
            throw Failure(description: "pipe: \(String(cString: strerror(errno)))")
        }
        for descriptor in toBrowser + fromBrowser {
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        }
        profile = FileManager.default.temporaryDirectory.appendingPathComponent("payout-chromium-\(UUID().uuidString)")
        let log = open(folder.appendingPathComponent("chromium.log").path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, log, 1)
        posix_spawn_file_actions_adddup2(&actions, log, 2)
        posix_spawn_file_actions_adddup2(&actions, toBrowser[0], 3)
        posix_spawn_file_actions_adddup2(&actions, fromBrowser[1], 4)
        let arguments = [executable, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe", "--no-first-run",
                         "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
                         "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                         "--user-data-dir=\(profile.path)", "about:blank"]
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        close(toBrowser[0])
        close(fromBrowser[1])
        close(log)
        guard spawned == 0 else { throw Failure(description: "cannot start \(executable): \(String(cString: strerror(spawned)))") }
        self.pid = pid
        commands = toBrowser[1]
        answers = fromBrowser[0]
    }

    deinit {
        close(commands)
        close(answers)
        var status: Int32 = 0
        // Blocking, but briefly (the browser exits once its pipes close): a deinit cannot await.
        for _ in 0..<50 where waitpid(pid, &status, WNOHANG) == 0 {
            usleep(100_000)
        }
        if waitpid(pid, &status, WNOHANG) == 0 {
            kill(pid, SIGKILL)
            waitpid(pid, &status, 0)
        }
        try? FileManager.default.removeItem(at: profile)
    }

    /// Sends one command and returns its result; events that arrive meanwhile are kept.
    @discardableResult
    func send(_ method: String, _ params: [String: Any] = [:], session: String? = nil, timeout: Double = 30) async throws -> [String: Any] {
        nextID += 1
        var message: [String: Any] = ["id": nextID, "method": method, "params": params]
        if let session { message["sessionId"] = session }
        var bytes = [UInt8](try JSONSerialization.data(withJSONObject: message))
        bytes.append(0)
        guard bytes.withUnsafeBytes({ write(commands, $0.baseAddress, $0.count) }) == bytes.count else {
            throw Failure(description: "\(method): the browser closed its pipe")
        }
        let id = nextID
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let reply = try await receive(until: deadline, waitingFor: method)
            guard reply["id"] as? Int == id else {
                events.append(reply)
                continue
            }
            if let error = reply["error"] as? [String: Any] {
                throw Failure(description: "\(method): \(error["message"] ?? error)")
            }
            return reply["result"] as? [String: Any] ?? [:]
        }
    }

    /// Waits for an event named `method` (perhaps already received) and returns its params.
    func event(_ method: String, timeout: Double = 30) async throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let index = events.firstIndex(where: { $0["method"] as? String == method }) {
                return events.remove(at: index)["params"] as? [String: Any] ?? [:]
            }
            events.append(try await receive(until: deadline, waitingFor: method))
        }
    }

    /// The next message, polled for every 5 ms until `deadline`.
    private func receive(until deadline: Date, waitingFor what: String) async throws -> [String: Any] {
        while true {
            if let end = buffer.firstIndex(of: 0) {
                let message = Array(buffer[..<end])
                buffer.removeSubrange(...end)
                guard let object = try JSONSerialization.jsonObject(with: Data(message)) as? [String: Any] else { continue }
                return object
            }
            var poller = pollfd(fd: answers, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, 0)
            if ready == 0 && Date() < deadline {
                try await Task.sleep(for: .milliseconds(5))
                continue
            }
            guard ready > 0 else { throw Failure(description: "\(what): no answer from the browser in time") }
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            let count = chunk.withUnsafeMutableBytes { read(answers, $0.baseAddress, $0.count) }
            guard count > 0 else { throw Failure(description: "\(what): the browser exited") }
            buffer += chunk[..<count]
        }
    }
}
