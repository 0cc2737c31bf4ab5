import Core
import Foundation
import Workflows

/// Finds and loads workflow files, collecting every diagnostic.
enum WorkflowDiscovery {
    /// Workflow files under `path`: a file itself, or `*.yml`/`*.yaml` directly in a directory (no recursion,
    /// so `action.yml` files in sub-directories are never mistaken for workflows).
    static func files(at path: String) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ValidationFailure("no workflow file or directory at '\(path)'")
        }
        if !isDirectory.boolValue { return [path] }
        let names = try FileManager.default.contentsOfDirectory(atPath: path)
        return names.filter { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }.sorted().map { "\(path)/\($0)" }
    }

    static func load(_ files: [String], relativeTo root: String, repositories: [String: String] = [:]) -> (workflows: [Workflow], diagnostics: [Diagnostic]) {
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
            guard let text = String(data: data, encoding: .utf8) else {
                diagnostics.append(Diagnostic("the file is not valid UTF-8", at: SourceLocation(file: display, line: 1, column: 1)))
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

/// `NAME=VALUE` options (`--secret`, `--var`, `--repo-map`, ...) as a dictionary; the last one wins.
func parsePairs(_ values: [String], what: String) throws(ValidationFailure) -> [String: String] {
    var result: [String: String] = [:]
    for value in values {
        guard let eq = value.firstIndex(of: "="), eq != value.startIndex else {
            throw ValidationFailure("\(what) '\(value)' must be NAME=VALUE")
        }
        result[String(value[..<eq])] = String(value[value.index(after: eq)...])
    }
    return result
}

/// A user-facing error that ends the command with exit code 2.
struct ValidationFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
