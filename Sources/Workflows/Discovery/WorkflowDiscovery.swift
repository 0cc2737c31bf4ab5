import Core
import Foundation

/// Finds and loads a repository's workflow files, collecting every diagnostic rather than stopping at the first.
public enum WorkflowDiscovery {
    /// The workflow files under `path`: a file itself, or `*.yml`/`*.yaml` directly in a directory (no recursion, so
    /// `action.yml` files in sub-directories are never mistaken for workflows); nil when nothing is at `path`.
    public static func files(at path: String) -> [String]? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
        if !isDirectory.boolValue { return [path] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.filter { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }.sorted().map { "\(path)/\($0)" }
    }

    /// Loads every file; paths in diagnostics and workflows are relative to `root` when under it. `repositories`
    /// maps `owner/name` to a local checkout for reusable workflows of other repositories.
    public static func load(_ files: [String], relativeTo root: String, repositories: [String: String] = [:])
        -> (workflows: [Workflow], diagnostics: [Diagnostic])
    {
        let resolver = ReusableWorkflowResolver.files(root: root, repositories: repositories) { path in
            FileManager.default.contents(atPath: path).flatMap { String(data: $0, encoding: .utf8) }
        }
        var workflows: [Workflow] = []
        var diagnostics: [Diagnostic] = []
        for file in files {
            let display = file.hasPrefix(root + "/") ? String(file.dropFirst(root.count + 1)) : file
            guard let data = FileManager.default.contents(atPath: file) else {
                diagnostics.append(Diagnostic("cannot read the file", at: SourceLocation(file: display, line: 1, column: 1)))
                continue
            }
            let text: String
            do { text = try SourceText.decode(data, file: display, yaml: true) } catch {
                diagnostics.append(Diagnostic(error.message, at: error.location))
                continue
            }
            do {
                workflows.append(try WorkflowLoader.load(text: text, path: display, resolver: resolver))
            } catch {
                diagnostics.append(contentsOf: error.items)
            }
        }
        return (workflows, diagnostics)
    }
}
