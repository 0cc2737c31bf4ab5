import Core
import Crypto
import Foundation

/// One `cache:` entry of a job: a directory per key under the pipeline state directory, shared by every pipeline of
/// the repository, as a runner's local cache is.
struct GitLabCache: Sendable {
    let spec: GitLabCacheSpec
    let key: String
    let root: String

    /// `workspace` holds the files a `key: files:` key is computed from.
    init(spec: GitLabCacheSpec, expand: (String) -> String, root: String, workspace: String) {
        self.spec = spec
        self.root = root
        if spec.keyFiles.isEmpty {
            key = expand(spec.key)
        } else {
            // GitLab: a digest of the files' contents (a missing file counts as empty), after the prefix.
            var hasher = SHA256()
            for file in spec.keyFiles {
                hasher.update(data: Data(file.utf8))
                hasher.update(data: FileManager.default.contents(atPath: "\(workspace)/\(expand(file))") ?? Data())
            }
            let digest = hasher.finalize().map { String(format: "%02x", $0) }.joined().prefix(40)
            key = (spec.keyPrefix.map { expand($0) + "-" } ?? "") + digest
        }
    }

    /// The key used on disk: safe as a file name, distinct per key.
    func directory(for key: String) -> String {
        let digest = SHA256.hash(data: Data(key.utf8)).map { String(format: "%02x", $0) }.joined().prefix(16)
        return "\(root)/\(PipelineContext.slug(key).prefix(40))-\(digest)"
    }

    func applies(jobStatus: GitLabJobStatus) -> Bool {
        GitLabArtifacts.applies(spec.when, jobStatus: jobStatus)
    }

    func restore(into workspace: String) -> String {
        for candidate in [key] + spec.fallbackKeys {
            let directory = directory(for: candidate)
            guard FileManager.default.fileExists(atPath: directory) else { continue }
            GitLabArtifacts.restore(from: directory, into: workspace)
            return "Restoring cache: key \(candidate)"
        }
        return "Restoring cache: no cache for key \(key)"
    }

    func save(from workspace: String) -> String {
        let directory = directory(for: key)
        try? FileManager.default.removeItem(atPath: directory)
        var spec = GitLabArtifactsSpec()
        spec.paths = self.spec.paths
        let saved = GitLabArtifacts.save(spec, from: workspace, to: directory, expand: { $0 })
        return "Saving cache: key \(key), \(saved.files) file(s)"
    }
}
