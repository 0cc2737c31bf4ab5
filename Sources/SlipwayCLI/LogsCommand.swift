import ArgumentParser
import Foundation
import NIOHTTP1
import Store

/// `slipway logs RUN [JOB]`: the recorded (masked) output of a run's jobs.
struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Print the recorded output of a run, or of one of its jobs."
    )

    @Argument(help: "The run id shown by `slipway runs`.")
    var run: Int64

    @Argument(help: "A job id or job name (default: every job).")
    var job: String?

    @OptionGroup var server: ServerOption

    func run() async throws {
        if let client = try server.client() {
            let stored = try await client.object(
                "/api/v1/runs/\(run)", notFound: "the server has no run \(run) (see `slipway runs --server`)")
            let query = job.map { "?job=\(ServerClient.escape($0))" } ?? ""
            let text = try await client.call(.GET, "/api/v1/runs/\(run)/logs\(query)")
            print(
                "run \(run): \(stored["workflow_name"] as? String ?? "") (\(stored["workflow_path"] as? String ?? "")) on "
                    + "\(stored["event"] as? String ?? "") \(stored["ref"] as? String ?? "") → \(stored["conclusion"] as? String ?? "")")
            FileHandle.standardOutput.write(text)
            return
        }
        let path = RunStore.path(forRepository: FileManager.default.currentDirectoryPath)
        guard FileManager.default.fileExists(atPath: path), let store = try? RunStore(path: path), let stored = try store.run(run) else {
            FileHandle.standardError.write(Data("error: no run \(run) recorded in this repository (see `slipway runs`)\n".utf8))
            throw ExitCode(2)
        }
        var jobs = try store.jobs(ofRun: run)
        if let job {
            jobs = jobs.filter { $0.jobId == job || $0.name == job || $0.name.hasPrefix(job + " (") }
            guard !jobs.isEmpty else {
                FileHandle.standardError.write(Data("error: run \(run) has no job '\(job)'\n".utf8))
                throw ExitCode(2)
            }
        }
        print("run \(run): \(stored.workflowName) (\(stored.workflowPath)) on \(stored.event) \(stored.ref) → \(stored.result)")
        for job in jobs {
            print("── \(job.name): \(job.result) in \(String(format: "%.2fs", job.duration))")
            if !job.log.isEmpty { print(job.log) }
            if let reason = job.failureReason { print("failure: \(reason)") }
        }
    }
}
