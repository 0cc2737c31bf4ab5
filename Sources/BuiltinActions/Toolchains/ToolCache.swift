import Core
import Foundation

/// Toolchains laid out as on GitHub's runners, `<root>/<tool>/<version>/<arch>`, searched in the run's own tool cache
/// and then Slipway's shared one (`~/.cache/slipway/toolcache`, where `scripts/setup` installs Go).
struct ToolCache: Sendable {
    var roots: [String]

    /// The newest installed version of `tool` that `spec` accepts, and its directory.
    func find(_ tool: String, matching spec: VersionSpec, architecture: String = "x64") -> (version: ToolVersion, path: String)? {
        var best: (version: ToolVersion, path: String)?
        for root in roots {
            let directory = root + "/" + tool
            for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] {
                guard let version = ToolVersion(name), spec.accepts(version) else { continue }
                let path = directory + "/" + name + "/" + architecture
                guard FileManager.default.fileExists(atPath: path) else { continue }
                if best.map({ version > $0.version }) ?? true { best = (version, path) }
            }
        }
        return best
    }

    /// What is installed, for error messages.
    func installed(_ tool: String) -> [String] {
        roots.flatMap { (try? FileManager.default.contentsOfDirectory(atPath: $0 + "/" + tool)) ?? [] }
            .filter { ToolVersion($0) != nil }.sorted()
    }
}
