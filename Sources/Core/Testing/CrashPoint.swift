import Foundation

/// Fault injection for crash tests: a process started with `SLIPWAY_CRASH_AT=<point>` kills itself with SIGKILL — as
/// `kill -9` would — the moment it reaches that point, so a test can stop it exactly there (after an effect, during
/// a measurement) and check what a restarted process makes of the state left behind. Inert without the variable.
public enum CrashPoint {
    static let armed = ProcessInfo.processInfo.environment["SLIPWAY_CRASH_AT"]

    public static func reached(_ point: String) {
        guard let armed, armed == point else { return }
        FileHandle.standardError.write(Data("crash point \(point): SIGKILL\n".utf8))
        kill(getpid(), SIGKILL)
    }
}
