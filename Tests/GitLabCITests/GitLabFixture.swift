import Core
import Foundation
import GitLabCI

/// A `.gitlab-ci.yml` (and side files) in a scratch directory, loaded and planned as GitLab would.
struct GitLabFixture {
    let root: String

    init(_ text: String, files: [String: String] = [:]) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-gitlab-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try text.write(toFile: "\(root)/.gitlab-ci.yml", atomically: true, encoding: .utf8)
        for (path, content) in files {
            let url = URL(fileURLWithPath: "\(root)/\(path)")
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try content.write(to: url, atomically: true, encoding: .utf8)
        }
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }

    func load() async throws(Diagnostics) -> GitLabConfig {
        try await GitLabConfigLoader(repositoryRoot: root).load()
    }

    /// The messages of every problem, as `line:col: message`.
    func problems() async -> [String] {
        do {
            _ = try await load()
            return []
        } catch {
            return error.items.map { d in "\(d.location.map { "\($0.line):\($0.column)" } ?? "-"): \(d.message)" }
        }
    }

    static func context(
        source: String = "push", ref: String = "main", tag: Bool = false, variables: [String: String] = [:], changed: [String]? = nil,
        files: [String] = []
    ) -> PipelineContext {
        var context = PipelineContext(source: source, ref: ref, isTag: tag, sha: String(repeating: "a", count: 40))
        context.pipelineVariables = variables.sorted { $0.key < $1.key }.map { GitLabVariable(name: $0.key, value: $0.value) }
        context.changedFiles = changed
        context.repositoryFiles = files
        return context
    }

    /// Job names (instances) and their `when`, for `context`.
    func plan(_ context: PipelineContext = GitLabFixture.context()) async throws -> PipelinePlan {
        try PipelinePlanner(config: try await load(), context: context).plan()
    }
}
