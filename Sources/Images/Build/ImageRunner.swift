import CDispatch
import Foundation
import Glibc
import OCI

/// Runs an image's entrypoint once under bubblewrap (`slipway image run`): the layers are unpacked into a fresh
/// directory, the config's environment, working directory and user apply, and the directory is removed afterwards.
public struct ImageRunner {
    let store: ImageStore

    public init(store: ImageStore) { self.store = store }

    public func run(_ reference: ImageReference, arguments: [String], onLine: @escaping @Sendable (String) -> Void) async throws -> Int32 {
        let builder = ImageBuilder(store: store, log: { _ in })
        var state = try await builder.baseState(reference, line: 0, path: reference.familiar)
        let session = ImageBuilder.Session(scratch: store.temporaryPath())
        defer { try? FileManager.default.removeItem(atPath: session.scratch) }
        let rootfs = try builder.materialize(&state, session: session)
        let config = state.config.config
        let command = (config.entrypoint ?? []) + (arguments.isEmpty ? (config.cmd ?? []) : arguments)
        guard !command.isEmpty else {
            throw ImageError.unsupported("\(reference.familiar) has no entrypoint or command; give one after the image name")
        }
        let workdir = config.workingDir ?? "/"
        try? FileManager.default.createDirectory(atPath: rootfs + workdir, withIntermediateDirectories: true)
        let user = try ImageBuilder.resolveUser(config.user ?? "", rootfs: rootfs)
        var environment = config.env ?? []
        if !environment.contains(where: { $0.hasPrefix("PATH=") }) {
            environment.append("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
        }
        return try await Sandbox().run(
            rootfs: rootfs, command: command, environment: environment, workingDirectory: workdir, user: user, onLine: onLine)
    }
}
