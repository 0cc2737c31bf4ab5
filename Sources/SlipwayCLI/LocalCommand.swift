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
        subcommands: [
            LocalUpCommand.self, LocalDownCommand.self, LocalStatusCommand.self, LocalApplyCommand.self, LocalGetCommand.self,
            LocalDescribeCommand.self, LocalLogsCommand.self, LocalDeleteCommand.self, LocalKubeconfigCommand.self, LocalServeCommand.self,
        ]
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
        print(LocalTargetLauncher.describe(try await launch.ensureRunning(options)))
    }
}

/// Where a started local target listens; shared by `slipway local up` and `slipway up`.
struct LocalLaunchOptions: ParsableArguments {
    @Option(help: "Private range for pod addresses.") var subnet = "10.213.0.0/24"
    @Option(help: "Name of the bridge pods join.") var bridge = "slipway0"
    @Option(help: "Port of the mesh's listener: every Service and VirtualService host, matched by Host header.") var port = 15080
    @Option(name: .customLong("admin-port"), help: "Envoy's admin port.") var adminPort = 15000
    @Option(name: .customLong("api-port"), help: "Port of the target's API (and /metrics for Prometheus).") var apiPort = 15090

    var settings: LocalTargetLauncher.Settings {
        LocalTargetLauncher.Settings(subnet: subnet, bridge: bridge, port: port, adminPort: adminPort, apiPort: apiPort)
    }

    /// The running target's status; starts the daemon detached first when none answers.
    func ensureRunning(_ options: LocalOptions) async throws -> ManifestValue {
        let executable = ProcessInfo.processInfo.environment["SLIPWAY_EXECUTABLE"] ?? CommandLine.arguments[0]
        do {
            return try await LocalTargetLauncher(dataDirectory: options.dataDirectory).ensureRunning(settings, executable: executable)
        } catch let failure as LocalTargetLauncher.Failure {
            throw CommandFailure(failure.description)
        }
    }
}

struct LocalDownCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "down", abstract: "Stop the local target: every pod, Envoy and the bridge (objects stay for the next `up`).")

    @OptionGroup var options: LocalOptions

    func run() async throws {
        do {
            switch try await LocalTargetLauncher(dataDirectory: options.dataDirectory).stop() {
            case .stopped: print("local target stopped")
            case .notRunning: print("the local target is not running")
            case .cleanedUpAfterCrash(let what): print("the local target was not running: \(what)")
            }
        } catch let failure as LocalTargetLauncher.Failure {
            throw CommandFailure(failure.description)
        }
    }
}

struct LocalStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show whether the local target runs, and where.")

    @OptionGroup var options: LocalOptions

    func run() async throws {
        guard let status = await LocalTargetLauncher(dataDirectory: options.dataDirectory).status() else {
            print("the local target is not running (start it with `slipway local up`)")
            throw ExitCode(3)
        }
        print(LocalTargetLauncher.describe(status))
    }
}

/// The daemon behind `slipway local up`: the target, its reconcile loop, Envoy, pods and the API, until
/// `slipway local down` (or SIGTERM).
struct LocalServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the local target in the foreground.", shouldDisplay: false)

    @OptionGroup var options: LocalOptions
    @Option var subnet = "10.213.0.0/24"
    @Option var bridge = "slipway0"
    @Option var port = 15080
    @Option(name: .customLong("admin-port")) var adminPort = 15000
    @Option(name: .customLong("api-port")) var apiPort = 15090

    func run() async throws {
        guard let range = IPv4Subnet(subnet) else { throw ValidationError("--subnet must be a network like 10.213.0.0/24") }
        do {
            try await LocalTargetDaemon.run(
                dataDirectory: options.dataDirectory, subnet: range, bridge: bridge, port: port, adminPort: adminPort,
                apiPort: apiPort)
        } catch let error as LocalTargetDaemon.Failure {
            throw CommandFailure(error.description)
        }
    }
}
