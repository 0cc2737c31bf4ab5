import Foundation
import SlipwayTesting
import Testing

/// A server (heartbeat timeout 10 s: a loaded machine's late beat is no lost runner) with a project whose workflow the test gives, `SCRATCH` in it replaced by a scratch
/// directory for the test's marks; every process the test starts is tracked and killed at the end, and so is every
/// step process whose pid a `*.pid` file in the scratch directory names.
final class RunnerWorld {
    let scratch: String
    let data: String
    let repository: TemporaryRepository
    let sha: String
    let server: ServerProcess
    private(set) var project = 0
    private var processes: [ChildProcess] = []

    private init(scratch: String, data: String, repository: TemporaryRepository, sha: String, server: ServerProcess) {
        self.scratch = scratch
        self.data = data
        self.repository = repository
        self.sha = sha
        self.server = server
        processes = [server.process]
    }

    static func with(workflow: String, _ body: (RunnerWorld) async throws -> Void) async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-runners-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let (data, repository, sha) = try ServerEndToEndTests.setUp(workflow: workflow.replacingOccurrences(of: "SCRATCH", with: scratch))
        let server: ServerProcess
        do {
            server = try await ServerProcess.start(data, arguments: ["--poll-interval", "0", "--runner-heartbeat-timeout", "10"])
        } catch {
            repository.remove()
            try? FileManager.default.removeItem(atPath: data)
            try? FileManager.default.removeItem(atPath: scratch)
            throw error
        }
        let world = RunnerWorld(scratch: scratch, data: data, repository: repository, sha: sha, server: server)
        defer { world.stop() }
        world.project = try await ServerEndToEndTests.addProject(server, repository: repository.path)
        try await body(world)
    }

    func track(_ process: ChildProcess) { processes.append(process) }

    /// `slipway runner` against the server, tracked.
    func startRunner(_ name: String, _ arguments: [String], environment: [String: String] = [:]) async throws -> ChildProcess {
        let runner = try await ChildProcess.start(
            ServerProcess.slipway, ["runner", "--server", server.url, "--work", scratch + "/work-\(name)"] + arguments,
            environment: environment, log: scratch + "/runner-\(name).log")
        track(runner)
        return runner
    }

    private func stop() {
        for process in processes { process.kill9() }
        let files = (try? FileManager.default.contentsOfDirectory(atPath: scratch)) ?? []
        for file in files where file.hasSuffix(".pid") {
            if let text = try? String(contentsOfFile: scratch + "/" + file, encoding: .utf8),
                let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                kill(pid, SIGKILL)
            }
        }
        repository.remove()
        try? FileManager.default.removeItem(atPath: data)
        try? FileManager.default.removeItem(atPath: scratch)
    }
}
