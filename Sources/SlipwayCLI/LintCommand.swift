import ArgumentParser
import Core
import Foundation

/// `slipway lint [PATH]`: reports every problem in every workflow with path:line:col.
struct LintCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check workflow files and print every problem as path:line:col: message."
    )

    @Argument(help: "A workflow file or directory (default: .github/workflows).")
    var path: String = ".github/workflows"

    @Option(name: .customLong("repo-map"), help: ArgumentHelp("Check calls of another repository's reusable workflows against a local checkout.", valueName: "OWNER/REPO=PATH"))
    var repoMaps: [String] = []

    func run() async throws {
        let root = FileManager.default.currentDirectoryPath
        let files: [String]
        do { files = try WorkflowDiscovery.files(at: path) } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        var repositories: [String: String] = [:]
        for entry in repoMaps {
            guard let equals = entry.firstIndex(of: "="), equals != entry.startIndex else {
                FileHandle.standardError.write(Data("error: --repo-map expects OWNER/REPO=PATH, got '\(entry)'\n".utf8))
                throw ExitCode(2)
            }
            repositories[String(entry[..<equals])] = String(entry[entry.index(after: equals)...])
        }
        let (workflows, diagnostics) = WorkflowDiscovery.load(files, relativeTo: root, repositories: repositories)
        for warning in workflows.flatMap(\.warnings) { print("\(warning) (warning)") }
        for diagnostic in diagnostics { print(diagnostic) }
        if !diagnostics.isEmpty { throw ExitCode(2) }
        print("\(workflows.count) workflow\(workflows.count == 1 ? "" : "s") OK")
    }
}
