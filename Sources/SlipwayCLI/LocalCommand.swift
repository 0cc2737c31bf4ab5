import ArgumentParser
import Core
import Foundation
import Manifests
import TargetKit
import Targets

/// `slipway local`: the embedded target that runs Kubernetes manifests on this machine.
struct LocalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "local",
        abstract: "Run Kubernetes manifests on this machine: pods as sandboxed processes, Envoy as the Istio data plane.",
        subcommands: [LocalUpCommand.self, LocalDownCommand.self, LocalStatusCommand.self, LocalApplyCommand.self, LocalGetCommand.self,
                      LocalDescribeCommand.self, LocalLogsCommand.self, LocalDeleteCommand.self, LocalServeCommand.self]
    )
}

/// Options every `slipway local` command shares.
struct LocalOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "The local target's state directory (default: ~/.local/share/slipway/local).")
    var dataDirectory: String = DataDirectory.path(for: "local")

    var client: LocalTargetClient { LocalTargetClient(dataDirectory: dataDirectory) }
}

struct LocalUpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up", abstract: "Start the local target in the background (or show it, when it runs already).")

    @OptionGroup var options: LocalOptions
    @OptionGroup var launch: LocalLaunchOptions

    func run() async throws {
        print(LocalTargetClient.describe(try await launch.ensureRunning(options)))
    }
}

/// Where a started local target listens; shared by `slipway local up` and `slipway up`.
struct LocalLaunchOptions: ParsableArguments {
    @Option(help: "Private range for pod addresses.") var subnet = "10.213.0.0/24"
    @Option(help: "Name of the bridge pods join.") var bridge = "slipway0"
    @Option(help: "Port of the mesh's listener: every Service and VirtualService host, matched by Host header.") var port = 15080
    @Option(name: .customLong("admin-port"), help: "Envoy's admin port.") var adminPort = 15000
    @Option(name: .customLong("api-port"), help: "Port of the target's API (and /metrics for Prometheus).") var apiPort = 15090

    /// The running target's status; starts the daemon detached first when none answers.
    func ensureRunning(_ options: LocalOptions) async throws -> ManifestValue {
        let client = options.client
        if let status = try? await client.status() { return status }
        guard IPv4Subnet(subnet) != nil else { throw ValidationError("--subnet must be a network like 10.213.0.0/24, not '\(subnet)'") }
        try FileManager.default.createDirectory(atPath: options.dataDirectory, withIntermediateDirectories: true)
        let executable = ProcessInfo.processInfo.environment["SLIPWAY_EXECUTABLE"] ?? CommandLine.arguments[0]
        // The daemon runs from the small `slipway-local` executable when it sits next to this one (its resident memory
        // is mostly the executable's own pages); `slipway local serve` does the same from the full binary.
        let daemon = URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("slipway-local").path
        let command = FileManager.default.isExecutableFile(atPath: daemon) ? [daemon] : [executable, "local", "serve"]
        let arguments = command + ["--data-dir", options.dataDirectory, "--subnet", subnet, "--bridge", bridge,
                                   "--port", String(port), "--admin-port", String(adminPort), "--api-port", String(apiPort)]
        let quoted = arguments.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let log = "\(options.dataDirectory)/daemon.log"
        let started = try await CapturedCommand.run("sh", ["-c", "setsid \(quoted) >>'\(log)' 2>&1 </dev/null &"], timeout: .seconds(10))
        guard started.succeeded else { throw CommandFailure("could not start the local target: \(started.standardError)") }
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let status = try? await client.status() { return status }
            try await Task.sleep(for: .milliseconds(50))
        }
        let tail = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").suffix(5).joined(separator: "\n")
        throw CommandFailure("the local target did not come up within 30 s; \(log) says:\n\(tail)")
    }
}

struct LocalDownCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "down", abstract: "Stop the local target: every pod, Envoy and the bridge (objects stay for the next `up`).")

    @OptionGroup var options: LocalOptions

    func run() async throws {
        let client = options.client
        guard let status = try? await client.status() else {
            print("the local target is not running")
            return
        }
        let pid = Int32(status["pid"]?.int ?? 0)
        // The daemon may close the connection before its answer arrives: what counts is that the process ends.
        do { try await client.shutdown() } catch is LocalTargetClient.NotRunning {}
        let deadline = ContinuousClock.now + .seconds(60)
        while pid > 0, kill(pid, 0) == 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        guard pid <= 0 || kill(pid, 0) != 0 else { throw CommandFailure("the local target (pid \(pid)) did not stop within 60 s") }
        print("local target stopped")
    }
}

struct LocalStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show whether the local target runs, and where.")

    @OptionGroup var options: LocalOptions

    func run() async throws {
        guard let status = try? await options.client.status() else {
            print("the local target is not running (start it with `slipway local up`)")
            throw ExitCode(3)
        }
        print(LocalTargetClient.describe(status))
    }
}

/// The daemon behind `slipway local up`: the target, its reconcile loop, Envoy, pods and the API, until
/// `slipway local down` (or SIGTERM).
struct LocalServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the local target in the foreground.", shouldDisplay: false)

    @OptionGroup var options: LocalOptions
    @Option var subnet = "10.213.0.0/24"
    @Option var bridge = "slipway0"
    @Option var port = 15080
    @Option(name: .customLong("admin-port")) var adminPort = 15000
    @Option(name: .customLong("api-port")) var apiPort = 15090

    func run() async throws {
        guard let range = IPv4Subnet(subnet) else { throw ValidationError("--subnet must be a network like 10.213.0.0/24") }
        do {
            try await LocalTargetDaemon.run(dataDirectory: options.dataDirectory, subnet: range, bridge: bridge, port: port, adminPort: adminPort,
                                            apiPort: apiPort)
        } catch let error as LocalTargetDaemon.Failure {
            throw CommandFailure(error.description)
        }
    }
}
