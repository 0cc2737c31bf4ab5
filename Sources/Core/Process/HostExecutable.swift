import Foundation

/// Programs of this machine that Slipway runs by absolute path (not through a job's PATH, which may be an image's).
public enum HostExecutable {
    /// The path of `name` in the system directories, or nil when it is not installed.
    public static func find(_ name: String) -> String? {
        ["/usr/bin", "/usr/local/bin", "/bin"].map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// bubblewrap (Debian `bubblewrap`), which runs image builds, container jobs, services and pods.
    public static var bubblewrap: String? { find("bwrap") }
}
