import Subprocess
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// How a child process ended.
public struct ProcessOutcome: Sendable, Equatable {
    public var exitCode: Int32?
    public var signal: Int32?
    public var timedOut: Bool
    public var cancelled: Bool

    public var succeeded: Bool { exitCode == 0 && !timedOut && !cancelled }

    public init(exitCode: Int32?, signal: Int32?, timedOut: Bool, cancelled: Bool) {
        self.exitCode = exitCode
        self.signal = signal
        self.timedOut = timedOut
        self.cancelled = cancelled
    }
}

/// Runs a command in its own session and process group, streaming its combined output line by line.
///
/// Timeouts and cancellation send SIGTERM to the whole group, wait a grace period, then SIGKILL it;
/// after the direct child exits the group is killed again so no grandchild survives as an orphan.
public enum ProcessGroupRunner {
    public static let gracePeriod: Duration = .seconds(5)

    private static let lookups = LookupCache()

    /// The executable's absolute path, found on `path` once and remembered. Spawning by name makes the process
    /// library fork once per PATH entry it tries, which costs more than the step itself for short `run:` steps.
    static func resolve(_ executable: String, path: String) -> String {
        if executable.contains("/") { return executable }
        let key = path + "\u{0}" + executable
        if let known = lookups.get(key) { return known }
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(executable)"
            if access(candidate, X_OK) == 0 {
                lookups.set(key, candidate)
                return candidate
            }
        }
        return executable  // not found: let the spawn fail with the usual "no such file" error
    }

    public static func run(
        executable: String,
        arguments: [String],
        environment: [String: String],
        workingDirectory: String,
        timeout: Duration?,
        onLine: @escaping @Sendable (String) async -> Void
    ) async throws -> ProcessOutcome {
        var options = PlatformOptions()
        options.createSession = true
        options.teardownSequence = [.gracefulShutDown(toProcessGroup: true, allowedDurationToNextStep: gracePeriod)]
        var env: [Environment.Key: String] = [:]
        for (key, value) in environment { env[Environment.Key(stringLiteral: key)] = value }
        let configuration = Configuration(
            executable: .path(FilePath(resolve(executable, path: environment["PATH"] ?? ""))),
            arguments: Arguments(arguments),
            environment: .custom(env),
            workingDirectory: FilePath(workingDirectory),
            platformOptions: options
        )
        let flags = OutcomeFlags()
        let status: TerminationStatus = try await withThrowingTaskGroup(of: TerminationStatus?.self) { group in
            group.addTask {
                let result = try await Subprocess.run(configuration, input: .none, output: .sequence, error: .combinedWithOutput) {
                    execution in
                    flags.setPID(execution.processIdentifier.value)
                    // Split here, not with the library's line sequence: that one throws (and fails the step) on a line
                    // over 128 KiB.
                    var splitter = OutputLineSplitter()
                    for try await buffer in execution.standardOutput {
                        let bytes = buffer.withUnsafeBytes { Array($0) }
                        for line in splitter.feed(bytes) { await onLine(line) }
                    }
                    if let last = splitter.finish() { await onLine(last) }
                }
                if let pid = flags.pid { kill(-pid, SIGKILL) }
                return result.terminationStatus
            }
            if let timeout {
                group.addTask {
                    try? await Task.sleep(for: timeout)
                    return nil
                }
            }
            while let next = try await group.next() {
                if let status = next {
                    group.cancelAll()
                    return status
                }
                // The timer fired first — or it woke early because the step is being cancelled, which is no timeout;
                // the process task then ends on its own through the same teardown.
                guard !Task.isCancelled else { continue }
                flags.markTimedOut()
                group.cancelAll()
            }
            return .signaled(SIGKILL)
        }
        var outcome = ProcessOutcome(exitCode: nil, signal: nil, timedOut: flags.timedOut, cancelled: Task.isCancelled && !flags.timedOut)
        switch status {
        case .exited(let code): outcome.exitCode = code
        case .signaled(let signal): outcome.signal = signal
        }
        return outcome
    }
}

/// Shared flags between the process task and the timer; written before reads by task-group ordering.
final class OutcomeFlags: @unchecked Sendable {
    private let lock = NSLockLike()
    private var _pid: pid_t?
    private var _timedOut = false

    var pid: pid_t? { lock.withLock { _pid } }
    var timedOut: Bool { lock.withLock { _timedOut } }
    func setPID(_ pid: pid_t) { lock.withLock { _pid = pid } }
    func markTimedOut() { lock.withLock { _timedOut = true } }
}

/// A tiny pthread mutex, so the Runner does not need Foundation for locking.
final class NSLockLike: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }
    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return try body()
    }
}

/// Remembers PATH lookups across steps and jobs.
final class LookupCache: @unchecked Sendable {
    private let lock = NSLockLike()
    private var values: [String: String] = [:]
    func get(_ key: String) -> String? { lock.withLock { values[key] } }
    func set(_ key: String, _ value: String) { lock.withLock { values[key] = value } }
}
