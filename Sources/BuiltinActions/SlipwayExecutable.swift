import Foundation

/// The `slipway` binary that built-in actions run as step processes (`slipway action NAME`) or link as `kustomize`.
public enum SlipwayExecutable {
    /// `SLIPWAY_EXECUTABLE` (tests and hosts that embed the engine in another process name the binary), else the
    /// running binary.
    public static var path: String? {
        if let configured = ProcessInfo.processInfo.environment["SLIPWAY_EXECUTABLE"], !configured.isEmpty { return configured }
        return running
    }

    /// The absolute path of the running binary (nil when it cannot be determined).
    public static var running: String? {
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return resolved }
        let argument = CommandLine.arguments.first ?? ""
        return argument.hasPrefix("/") ? argument : nil
    }
}
