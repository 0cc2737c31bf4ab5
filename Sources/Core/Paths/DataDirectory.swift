import Foundation

/// Where Slipway keeps state that must survive (the local target's objects and pods): `SLIPWAY_DATA_DIR`, else
/// `$XDG_DATA_HOME/slipway`, else `~/.local/share/slipway`.
public enum DataDirectory {
    public static func path(for concern: String) -> String {
        let environment = ProcessInfo.processInfo.environment
        if let explicit = environment["SLIPWAY_DATA_DIR"], !explicit.isEmpty { return explicit + "/" + concern }
        let base = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (NSHomeDirectory() + "/.local/share")
        return base + "/slipway/" + concern
    }
}
