import Core
import Foundation
import Subprocess
import SystemPackage

/// A long-running process a test starts, talks to, and stops by PID (SIGTERM, or SIGKILL as `kill -9` would): its
/// output goes to a log file and its end — exit code or signal — can be awaited with a deadline.
public final class ChildProcess: Sendable {
    public typealias End = ProcessEnd

    public let pid: pid_t
    public let log: String
    private let ended: Task<End, any Error>

    private init(pid: pid_t, log: String, ended: Task<End, any Error>) {
        self.pid = pid
        self.log = log
        self.ended = ended
    }

    /// Starts `executable` with `environment` added to this process's own; standard output and error go to `log`.
    public static func start(_ executable: String, _ arguments: [String], environment: [String: String] = [:], log: String) async throws
        -> ChildProcess
    {
        var overrides: [Environment.Key: String?] = [:]
        for (key, value) in environment { overrides[Environment.Key(stringLiteral: key)] = value }
        let output = try FileDescriptor.open(
            FilePath(log), .writeOnly, options: [.create, .append], permissions: [.ownerReadWrite, .groupRead])
        let error = try FileDescriptor.open(
            FilePath(log), .writeOnly, options: [.create, .append], permissions: [.ownerReadWrite, .groupRead])
        let (pids, pidSink) = AsyncStream.makeStream(of: pid_t.self)
        let ended = Task { () throws -> End in
            let result = try await Subprocess.run(
                .path(FilePath(executable)), arguments: Arguments(arguments), environment: .inherit.updating(overrides),
                input: .none, output: .fileDescriptor(output, closeAfterSpawningProcess: true),
                error: .fileDescriptor(error, closeAfterSpawningProcess: true)
            ) { execution in
                // Output goes to a file, so nothing needs draining: `run` returns when the process ends.
                pidSink.yield(execution.processIdentifier.value)
                pidSink.finish()
            }
            switch result.terminationStatus {
            case .exited(let code): return .exited(code)
            case .signaled(let signal): return .signaled(signal)
            }
        }
        var iterator = pids.makeAsyncIterator()
        guard let pid = await iterator.next() else {
            _ = try await ended.value
            throw Failure(description: "\(executable) did not start (see \(log))")
        }
        return ChildProcess(pid: pid, log: log, ended: ended)
    }

    public func kill9() { kill(pid, SIGKILL) }

    public func terminate() { kill(pid, SIGTERM) }

    /// How the process ended; an error when it is still running after `timeout`.
    public func end(within timeout: Duration) async throws -> End {
        let ended = self.ended
        return try await Deadline.within(timeout, "process \(pid) to end") { try await ended.value }
    }

    /// The log so far.
    public var output: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String

        public init(description: String) { self.description = description }
    }
}
