import Foundation

/// The one directory on this machine where Slipway processes take locks that must hold whatever cache, data
/// directory or user each process runs with (two CI runners pushing to one GitOps branch, say).
///
/// `SLIPWAY_LOCK_DIR` overrides it; otherwise `/run/lock/slipway` (the machine's lock directory, cleared at boot)
/// or, where that cannot be written, `$TMPDIR/slipway-locks`. The directory is sticky and writable by everyone so
/// that processes of different users meet on the same lock files.
public enum MachineLockDirectory {
    public static func path() -> String {
        let environment = ProcessInfo.processInfo.environment
        if let explicit = environment["SLIPWAY_LOCK_DIR"], !explicit.isEmpty { return explicit }
        for base in ["/run/lock", FileManager.default.temporaryDirectory.path] where access(base, W_OK) == 0 {
            return base + (base == "/run/lock" ? "/slipway" : "/slipway-locks")
        }
        return FileManager.default.temporaryDirectory.path + "/slipway-locks"
    }

    /// Creates `directory` (sticky, writable by all when Slipway creates it) and returns it.
    public static func prepare(_ directory: String) throws -> String {
        var info = stat()
        if lstat(directory, &info) == 0 { return directory }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // Another user's process may have made it between the two calls; only the owner may widen it.
        _ = chmod(directory, 0o1777)
        return directory
    }
}
