import CDispatch
import Core
import Foundation
import Glibc
import OCI
import Subprocess
import SystemPackage

/// Runs a command inside a root filesystem with bubblewrap: new PID, IPC, UTS, network and mount namespaces, its own
/// `/proc` and `/dev`, a clean environment, and the process killed with its parent.
public struct Sandbox: Sendable {
    public init() {}

    /// The `bwrap` executable, or nil when it is not installed.
    public static var executable: String? { HostExecutable.bubblewrap }

    /// Runs `command`; returns the exit status (128 + signal when killed). Output lines go to `onLine`.
    public func run(
        rootfs: String, command: [String], environment: [String], workingDirectory: String, user: (uid: Int, gid: Int)?,
        shareNetwork: Bool = false, onLine: @escaping @Sendable (String) -> Void
    ) async throws -> Int32 {
        guard let bwrap = Sandbox.executable else {
            throw ImageError.unsupported("RUN needs bubblewrap (Debian package 'bubblewrap'); `bwrap` was not found")
        }
        var arguments = [
            "--bind", rootfs, "/", "--proc", "/proc", "--dev", "/dev", "--unshare-all", "--die-with-parent",
            "--hostname", "slipway", "--clearenv",
        ]
        if shareNetwork { arguments.append("--share-net") }
        for entry in environment {
            guard let equals = entry.firstIndex(of: "=") else { continue }
            arguments += ["--setenv", String(entry[..<equals]), String(entry[entry.index(after: equals)...])]
        }
        if let user { arguments += ["--unshare-user", "--uid", String(user.uid), "--gid", String(user.gid)] }
        arguments += ["--chdir", workingDirectory, "--"] + command
        var options = PlatformOptions()
        options.createSession = true
        let result = try await Subprocess.run(
            .path(FilePath(bwrap)), arguments: Arguments(arguments), environment: .custom([:]), platformOptions: options,
            input: .none, output: .sequence, error: .combinedWithOutput
        ) { execution in
            for try await line in execution.standardOutput.strings() {
                onLine(line.hasSuffix("\n") ? String(line.dropLast()) : line)
            }
        }
        switch result.terminationStatus {
        case .exited(let code): return code
        case .signaled(let signal): return 128 + signal
        }
    }
}
