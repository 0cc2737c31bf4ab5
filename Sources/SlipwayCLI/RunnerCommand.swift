import ArgumentParser
import Delivery
import Foundation
import Logging
import RunnerAgent
import ServiceLifecycle

/// `slipway runner`: a runner on this machine for a Slipway server's self-hosted jobs.
struct RunnerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runner",
        abstract: "Take self-hosted jobs from a Slipway server and run them on this machine.",
        discussion: """
            Jobs whose `runs-on` names `self-hosted` go to runners; a runner takes those whose labels are all among its \
            own (--labels) and the ones every runner has: self-hosted, linux and its architecture (x64, arm64). It \
            fetches the job's commit from the project's repository itself, so that repository must be reachable from \
            this machine. Register a runner with `slipway server runners add NAME`; its token comes from --token, \
            --token-file or SLIPWAY_RUNNER_TOKEN. SIGTERM or SIGINT cancels the running job, reports it and stops.
            """
    )

    @Option(help: "The server's URL.") var server: String
    @Option(help: "The runner's token (prefer --token-file or SLIPWAY_RUNNER_TOKEN: a command line is visible to other users).")
    var token: String?
    @Option(help: "A file holding the runner's token.") var tokenFile: String?
    @Option(help: "The runner's labels, comma-separated.") var labels: String = ""
    @Option(help: "Where the runner keeps repository mirrors and job files (one runner per directory).")
    var work: String = FileManager.default.homeDirectoryForCurrentUser.path + "/.cache/slipway/runner"
    @Flag(help: "Stop after one job.") var once = false

    func run() async throws {
        guard let parsed = URL(string: server), let scheme = parsed.scheme, ["http", "https"].contains(scheme), parsed.host != nil else {
            throw ValidationError("--server must be an http:// or https:// URL, not '\(server)'")
        }
        let secret: String
        if let token {
            secret = token
        } else if let tokenFile {
            guard let data = FileManager.default.contents(atPath: tokenFile) else { throw CommandFailure("cannot read \(tokenFile)") }
            secret = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        } else if let fromEnvironment = ProcessInfo.processInfo.environment["SLIPWAY_RUNNER_TOKEN"], !fromEnvironment.isEmpty {
            secret = fromEnvironment
        } else {
            throw CommandFailure("the runner needs its token: --token, --token-file or SLIPWAY_RUNNER_TOKEN")
        }
        let names = labels.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        var logger = Logger(label: "slipway.runner")
        logger.logLevel = .notice
        var agent = RunnerAgent(server: server, token: secret, labels: names, workDirectory: work, logger: logger)
        agent.once = once
        logger.notice("runner for \(server), labels: \(names.isEmpty ? "(only the implicit ones)" : names.joined(separator: ", "))")
        // With --once the runner ends by itself: that ends the group, gracefully, as a signal would.
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: agent, successTerminationBehavior: .gracefullyShutdownGroup)], logger: logger))
        do { try await group.runUntilTerminationSignal() } catch let error as RunnerAgentError { throw CommandFailure(error.description) }
    }
}
