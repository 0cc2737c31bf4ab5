import Core
import Foundation

/// Job artifacts kept on disk: saved from a job's directory by `paths` minus `exclude`, restored into later jobs'.
enum GitLabArtifacts {
    static func applies(_ when: String, jobStatus: GitLabJobStatus) -> Bool {
        switch when {
        case "always": true
        case "on_failure": jobStatus == .failed
        default: jobStatus == .success
        }
    }

    /// Copies the matching files; answers how many, and the paths that matched nothing (GitLab warns of those).
    static func save(
        _ spec: GitLabArtifactsSpec, from root: String, to directory: String, expand: (String) -> String
    ) -> (files: Int, problems: [String]) {
        let includes = (spec.paths + spec.dotenv).map { normalized(expand($0)) }.filter { !$0.isEmpty }
        let excludes = spec.exclude.map { PathGlob(normalized(expand($0))) }
        let globs = includes.map(PathGlob.init)
        let files = GitLabConfigLoader.files(under: root).filter { file in
            globs.contains { $0.matchesSelfOrAncestor(file) } && !excludes.contains { $0.matchesSelfOrAncestor(file) }
        }
        var problems: [String] = []
        for (pattern, glob) in zip(includes, globs) where !files.contains(where: { glob.matchesSelfOrAncestor($0) }) {
            problems.append("\(pattern): no matching files")
        }
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var copied = 0
        for file in files {
            let target = "\(directory)/\(file)"
            try? FileManager.default.createDirectory(
                atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try? FileManager.default.removeItem(atPath: target)
            if (try? FileManager.default.copyItem(atPath: "\(root)/\(file)", toPath: target)) != nil { copied += 1 }
        }
        return (copied, problems)
    }

    static func restore(from directory: String, into root: String) {
        for file in GitLabConfigLoader.files(under: directory) {
            let target = "\(root)/\(file)"
            try? FileManager.default.createDirectory(
                atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try? FileManager.default.removeItem(atPath: target)
            try? FileManager.default.copyItem(atPath: "\(directory)/\(file)", toPath: target)
        }
    }

    static func normalized(_ path: String) -> String {
        var path = path
        while path.hasPrefix("./") { path.removeFirst(2) }
        while path.hasSuffix("/") { path.removeLast() }
        return path
    }
}
