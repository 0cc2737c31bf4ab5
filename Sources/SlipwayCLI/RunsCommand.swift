import ArgumentParser
import Foundation
import Store

/// `slipway runs`: the run history of this repository, newest first.
struct RunsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List recorded workflow runs of this repository (newest first)."
    )

    @Option(name: [.customShort("n"), .customLong("limit")], help: "How many runs to show.")
    var limit: Int = 20

    @Option(help: "With --server: only this project's runs (name or id).")
    var project: String?

    @Option(name: [.customShort("C"), .customLong("directory")], help: "The repository (default: the current directory).")
    var directory: String?

    @OptionGroup var server: ServerOption

    func run() async throws {
        if let client = try server.client() {
            try await listFromServer(client)
            return
        }
        let current = FileManager.default.currentDirectoryPath
        let root = directory.map { $0.hasPrefix("/") ? $0 : current + "/" + $0 } ?? current
        let path = RunStore.path(forRepository: root)
        guard FileManager.default.fileExists(atPath: path) else {
            print("no runs recorded yet (run `slipway run` first)")
            return
        }
        let store = try RunStore(path: path)
        let formatter = ISO8601DateFormatter()
        print(pad("RUN", 6) + pad("WORKFLOW", 28) + pad("EVENT", 20) + pad("REF", 26) + pad("RESULT", 11) + pad("STARTED", 22) + "DURATION")
        for run in try store.recentRuns(limit: limit) {
            print(
                pad("\(run.id ?? 0)", 6) + pad(run.workflowName, 28) + pad(run.event, 20) + pad(run.ref, 26)
                    + pad(run.status == RunStore.Run.Status.completed ? run.result : run.status, 11)
                    + pad(formatter.string(from: run.startedAt), 22) + String(format: "%.2fs", run.duration))
        }
    }
}

extension RunsCommand {
    /// The server's runs, in the same columns.
    func listFromServer(_ client: ServerClient) async throws {
        var path = "/api/v1/runs?limit=\(min(max(limit, 1), 500))"
        if let project {
            let found = try await client.object(
                "/api/v1/projects/\(ServerClient.escape(project))", notFound: "the server has no project '\(project)'")
            path += "&project=\(found["id"] as? Int ?? 0)"
        }
        let runs = try await client.list(path)
        guard !runs.isEmpty else {
            print("no runs recorded yet")
            return
        }
        print(pad("RUN", 6) + pad("WORKFLOW", 28) + pad("EVENT", 20) + pad("REF", 26) + pad("RESULT", 11) + pad("STARTED", 22) + "DURATION")
        for run in runs {
            print(
                pad("\(run["id"] as? Int ?? 0)", 6) + pad(run["workflow_name"] as? String ?? "", 28)
                    + pad(run["event"] as? String ?? "", 20)
                    + pad(run["ref"] as? String ?? "", 26) + pad(run["conclusion"] as? String ?? "", 11)
                    + pad(run["started_at"] as? String ?? "", 22) + String(format: "%.2fs", run["duration_seconds"] as? Double ?? 0))
        }
    }
}

/// Left-aligns `text` in a column of `width` (at least one space after it).
func pad(_ text: String, _ width: Int) -> String {
    let clipped = text.count >= width ? String(text.prefix(width - 2)) + "…" : text
    return clipped + String(repeating: " ", count: max(1, width - clipped.count))
}
