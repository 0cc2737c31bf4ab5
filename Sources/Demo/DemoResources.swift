import Core
import Foundation

/// The demo's workspace files, built into Slipway from `Examples/slipway-up` (the `Demo` module's resources): the
/// application repository, the GitOps repository and `slipway.yaml`. Only what changes per run is written by code:
/// the `app.conf` of each release and, with `--prometheus`, the Canary's provider.
enum DemoResources {
    static let baseImage = "slipway-demo/busybox:host"
    static let imageName = "my-app"

    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    /// `Examples/slipway-up` as built into this binary.
    static func root() throws -> String {
        guard let path = Bundle.module.resourcePath.map({ $0 + "/slipway-up" }),
            FileManager.default.fileExists(atPath: path + "/slipway.yaml")
        else {
            throw Missing(description: "the demo's files are missing from this build (Examples/slipway-up, the Demo module's resources)")
        }
        return path
    }

    /// Copies a directory of the resources (`app`, `gitops`) into `destination`; scripts stay executable.
    static func copy(_ name: String, to destination: String) throws {
        let source = try root() + "/" + name
        let fm = FileManager.default
        try fm.createDirectory(atPath: FilePathText.parent(of: destination), withIntermediateDirectories: true)
        try fm.copyItem(atPath: source, toPath: destination)
        for relative in fm.subpaths(atPath: destination) ?? [] where relative.hasSuffix(".sh") || relative.hasSuffix(".cgi") {
            chmod(destination + "/" + relative, 0o755)
        }
    }

    static func text(_ relative: String) throws -> String {
        let path = try root() + "/" + relative
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw Missing(description: "cannot read the demo's \(relative)")
        }
        return text
    }

    /// What each release commits: the greeting, and the share of requests that fail.
    static func appConfig(greeting: String, errorPercent: Int) -> String {
        "GREETING=\"\(greeting)\"\nERROR_PERCENT=\(errorPercent)\n"
    }

    /// The Canary of the GitOps repository; with a Prometheus address, its built-in templates query it.
    static func canary(prometheus: String?) throws -> String {
        var text = try self.text("gitops/base/my-app/canary.yaml")
        if let prometheus {
            text += """
                  # The built-in templates query Prometheus (Istio's metric names) instead of the local target's counters.
                  prometheus:
                    address: \(prometheus)

                """
        }
        return text
    }

    /// The name the mesh answers to for an environment (`*.localhost` resolves to 127.0.0.1 in curl and browsers).
    static func host(_ environment: String) -> String { "\(environment).my-app.localhost" }
}
