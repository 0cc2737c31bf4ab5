import ArgumentParser
import Core
import Foundation
import Workflows

/// `slipway lint [PATH]`: reports every problem in every workflow with path:line:col.
struct LintCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check workflow files and print every problem as path:line:col: message."
    )

    @Argument(help: "A workflow file or directory (default: .github/workflows).")
    var path: String = ".github/workflows"

    @Option(
        name: .customLong("repo-map"),
        help: ArgumentHelp("Check calls of another repository's reusable workflows against a local checkout.", valueName: "OWNER/REPO=PATH")
    )
    var repoMaps: [String] = []

    func run() async throws {
        let root = FileManager.default.currentDirectoryPath
        guard let files = WorkflowDiscovery.files(at: path) else {
            FileHandle.standardError.write(Data("error: no workflow file or directory at '\(path)'\n".utf8))
            throw ExitCode(2)
        }
        let repositories: [String: String]
        do { repositories = try parsePairs(repoMaps, what: "--repo-map") } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let (workflows, workflowDiagnostics) = WorkflowDiscovery.load(files, relativeTo: root, repositories: repositories)
        var diagnostics = workflowDiagnostics
        // The environments jobs deploy to are checked with the workflows: a run would refuse the same problems.
        if FileManager.default.fileExists(atPath: root + "/slipway.yaml") {
            do { _ = try EnvironmentConfig.load(file: "slipway.yaml") } catch { diagnostics += error.items }
        }
        for warning in workflows.flatMap(\.warnings) { print("\(warning) (warning)") }
        for diagnostic in diagnostics { print(diagnostic) }
        if !diagnostics.isEmpty { throw ExitCode(2) }
        print("\(workflows.count) workflow\(workflows.count == 1 ? "" : "s") OK")
    }
}
