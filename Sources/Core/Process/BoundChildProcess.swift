import CLinuxSupport
import Foundation
import Synchronization

/// A child process that dies with this one: started from a thread of its own that stays alive (waiting for it) as
/// long as the child runs, with `PR_SET_PDEATHSIG`, so that even `kill -9` of this process takes the child along.
/// For helpers whose survival would do harm — an Envoy still accepting on the gateway port for a daemon that is
/// gone. (Pool threads cannot start such children: the kernel signals the child when the *thread* that forked it
/// exits, and idle pool threads do.)
public enum BoundChildProcess {
    public typealias End = ProcessEnd

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Runs `executable` until it ends. Cancelling the calling task sends SIGTERM (to its session when `newSession`),
    /// then SIGKILL after `grace`. `started` receives the pid once the child exists (on the child's thread).
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment,
        outputFile: String = "/dev/null", newSession: Bool = true, grace: Duration = .seconds(2),
        started: @escaping @Sendable (pid_t) -> Void = { _ in }
    ) async throws -> End {
        let output = open(outputFile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard output >= 0 else { throw Failure(description: "cannot open \(outputFile): \(String(cString: strerror(errno)))") }
        let spawned = Spawned()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let thread = Thread {
                    let pid = spawn(executable, [executable] + arguments, environment, output: output, newSession: newSession)
                    close(output)
                    guard pid > 0 else {
                        continuation.resume(
                            throwing: Failure(description: "cannot start \(executable): \(String(cString: strerror(errno)))"))
                        return
                    }
                    spawned.pid.withLock { $0 = pid }
                    started(pid)
                    var status: Int32 = 0
                    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                    spawned.pid.withLock { $0 = nil }
                    // WIFEXITED / WTERMSIG, spelled out: the macros do not import.
                    let signal = status & 0x7f
                    continuation.resume(returning: signal == 0 ? .exited((status >> 8) & 0xff) : .signaled(signal))
                }
                thread.name = "slipway-child"
                thread.start()
            }
        } onCancel: {
            guard let pid = spawned.pid.withLock({ $0 }) else { return }
            kill(newSession ? -pid : pid, SIGTERM)
            Thread.detachNewThread {
                Thread.sleep(forTimeInterval: Double(grace.components.seconds) + Double(grace.components.attoseconds) / 1e18)
                if spawned.pid.withLock({ $0 }) == pid { kill(newSession ? -pid : pid, SIGKILL) }
            }
        }
    }

    private final class Spawned: Sendable {
        let pid = Mutex<pid_t?>(nil)
    }

    private static func spawn(_ path: String, _ arguments: [String], _ environment: [String: String], output: Int32, newSession: Bool)
        -> pid_t
    {
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        return argv.withUnsafeBufferPointer { argvBuffer in
            envp.withUnsafeBufferPointer { envpBuffer in
                slipway_spawn_bound(path, argvBuffer.baseAddress, envpBuffer.baseAddress, output, newSession ? 1 : 0)
            }
        }
    }
}
