import Foundation

/// Where a step's scratch files live while it runs — its script (with expressions, secrets included, already
/// expanded) and its `GITHUB_OUTPUT`/`GITHUB_ENV`/... command files. They sit in memory (`/dev/shm`) when the machine
/// has it, in a directory only this user can read, and are deleted as soon as the step ends: a step's files are
/// never kept with the run's records, and hundreds of steps cost no filesystem journal traffic.
enum ScratchSpace {
    /// The per-user root, created with mode 0700.
    static let root: String = {
        var candidates = ["/dev/shm"]
        candidates.append(ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp")
        for base in candidates {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: base, isDirectory: &isDirectory), isDirectory.boolValue,
                access(base, W_OK | X_OK) == 0
            else { continue }
            let directory = "\(base)/slipway-\(getuid())"
            if mkdir(directory, 0o700) == 0 || errno == EEXIST, ownedPrivately(directory) { return directory }
        }
        return NSTemporaryDirectory() + "slipway-\(getuid())-\(getpid())"
    }()

    /// A fresh directory for one job instance.
    static func directory(forRun run: Int, job: String) -> String {
        "\(root)/\(run)-\(job)-\(UUID().uuidString.prefix(8))"
    }

    /// The directory belongs to this user and nobody else may enter it (a pre-created one could be a trap).
    private static func ownedPrivately(_ path: String) -> Bool {
        var info = stat()
        guard lstat(path, &info) == 0 else { return false }
        return info.st_uid == getuid() && (info.st_mode & S_IFMT) == S_IFDIR && (info.st_mode & 0o077) == 0
    }
}
