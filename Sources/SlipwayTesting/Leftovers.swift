import Core
import Foundation

/// What a test's processes left behind on the host.
public enum Leftovers {
    /// Processes whose command line mentions `text` (a test's private directory), as "PID: command".
    public static func processes(mentioning text: String) -> [String] {
        var found: [String] = []
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] where Int(entry) != nil {
            guard let data = ProcFile.bytes("/proc/\(entry)/cmdline") else { continue }
            let command = String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
            if command.contains(text) { found.append("\(entry): \(command.prefix(120))") }
        }
        return found
    }

    /// Mount points of this mount namespace under `path`.
    public static func mounts(under path: String) -> [String] {
        let table = ProcFile.text("/proc/self/mountinfo") ?? ""
        return table.split(separator: "\n").filter { $0.contains(path) }.map(String.init)
    }
}

extension Leftovers {
    /// Whether a process has ended: gone from `/proc`, or a zombie waiting to be reaped (it runs nothing any more).
    public static func hasEnded(_ pid: pid_t) -> Bool { !ProcessLiveness.isAlive(pid) }

    /// Waits (at most `timeout`) until every process of `pids` has ended; answers those still running then.
    public static func waitUntilEnded(_ pids: [pid_t], within timeout: Duration = .seconds(10)) async -> [pid_t] {
        let deadline = ContinuousClock.now + timeout
        var running = pids.filter { !hasEnded($0) }
        while !running.isEmpty, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
            running = running.filter { !hasEnded($0) }
        }
        return running
    }
}
