import Core
import Foundation
import Runner

/// A GitLab job's image, unpacked for the job: its root filesystem (the job's own copy) under bubblewrap, the job's
/// workspace and scratch directories shared at the same paths, the image's environment as the job's starting one.
struct JobSandbox: Sendable {
    let rootfs: String
    let sandbox: ContainerSandbox
    let bubblewrap: String
    /// The image's `ENV` (with a default PATH), what the job's variables go over.
    let environment: [String: String]
    /// `bash` when the image has it, else `sh`.
    let shell: String

    enum Preparation: Sendable {
        case ready(JobSandbox)
        /// The image is not here: the job runs on the host (said in the log).
        case unavailable(String)
        case failed(String)
    }

    static let defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    static func prepare(image: String, run: PipelineRunContext, shared: [String], name: String) async -> Preparation {
        guard let provider = run.containers else { return .unavailable("this host of the engine has no image store") }
        guard await provider.isAvailableLocally(image: image) else {
            return .unavailable("it is not in Slipway's image store or a registry on this machine")
        }
        guard let bubblewrap = HostExecutable.bubblewrap else { return .unavailable("bubblewrap (bwrap) is not installed") }
        let rootfs = "\(run.stateDirectory)/containers/\(name)-\(UUID().uuidString.prefix(8))"
        do {
            try FileManager.default.createDirectory(atPath: rootfs, withIntermediateDirectories: true)
            let settings = try await provider.unpack(image: image, credentials: nil, into: rootfs)
            var environment: [String: String] = ["PATH": defaultPath, "HOME": "/root"]
            for entry in settings.env {
                guard let equals = entry.firstIndex(of: "=") else { continue }
                environment[String(entry[..<equals])] = String(entry[entry.index(after: equals)...])
            }
            let sandbox = ContainerSandbox(rootfs: rootfs, sharedPaths: shared)
            return .ready(
                JobSandbox(
                    rootfs: rootfs, sandbox: sandbox, bubblewrap: bubblewrap, environment: environment,
                    shell: sandbox.defaultShell))
        } catch {
            try? FileManager.default.removeItem(atPath: rootfs)
            return .failed("\(error)")
        }
    }

    func command(_ executable: String, _ arguments: [String], directory: String) -> (String, [String]) {
        sandbox.command(executable, arguments, workingDirectory: directory, bubblewrap: bubblewrap)
    }

    func remove() { try? FileManager.default.removeItem(atPath: rootfs) }
}
