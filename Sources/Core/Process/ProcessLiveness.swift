import Foundation

/// Whether a process still runs, as far as anyone waiting for it cares: it exists and is not a zombie.
public enum ProcessLiveness {
    public static func isAlive(_ pid: Int32) -> Bool {
        guard pid > 0, kill(pid, 0) == 0 || errno == EPERM else { return false }
        // /proc/PID/stat: "pid (comm) state …"; the command may hold spaces and parentheses, the state follows the last ')'.
        guard let stat = ProcFile.text("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") else { return true }
        let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first
        return state != "Z" && state != "X"
    }
}

extension ProcessLiveness {
    /// When the process started, in clock ticks since boot (`/proc/PID/stat` field 22): with the pid, it names one
    /// process, so a pid the kernel gave to another process since is not mistaken for the one recorded.
    public static func startTicks(_ pid: Int32) -> Int64? {
        guard pid > 0, let stat = ProcFile.text("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") else { return nil }
        // Fields after the command: state is field 3, so field 22 is the 20th after ')'.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 19 else { return nil }
        return Int64(fields[19])
    }

    /// Whether the process recorded as `pid` started at `startTicks` still runs.
    public static func isAlive(_ pid: Int32, startedAt startTicks: Int64?) -> Bool {
        guard isAlive(pid) else { return false }
        guard let startTicks, let current = Self.startTicks(pid) else { return true }
        return current == startTicks
    }
}
