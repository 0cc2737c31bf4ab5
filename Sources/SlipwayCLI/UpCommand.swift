import ArgumentParser
import Core
import Demo
import Foundation

/// `slipway up`: the whole system on this machine, from `git push` to a verified canary — a demo workspace, Slipway's
/// registry, the local target, the sync engine and the canary controller — then a good and a bad release.
struct UpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Run the demo end to end: CI → image → GitOps commit → sync → canary, for a good and a bad release.",
        discussion: """
            Creates (or reuses) a workspace with an application repository whose CI and CD follow seed 000 and a GitOps \
            repository with seed 002's Istio objects and a Canary; starts Slipway's registry, the local target and a \
            Slipway server (web UI and API) that builds every push to the application; then pushes a good commit (its \
            canary is analysed and promoted) and a bad one that fails 30 % of requests (its canary is aborted by analysis \
            and its GitOps commit reverted) while traffic flows, and prints both release timelines. \
            The application stays reachable afterwards. With --watch it keeps going: every push to the application's \
            main branch (`git push` in WORKSPACE/app) is built and released (gates: `slipway rollout promote|abort my-app-qa`).
            """
    )

    @Option(help: "The demo workspace (created when missing).")
    var workspace: String = DataDirectory.path(for: "demo")

    @Flag(help: "Keep running after the demo: build and release every push to the application's main branch.")
    var watch = false

    @Option(
        help:
            "Analyse canaries with this Prometheus (it must scrape the local target's /metrics) instead of the local target's own metrics.")
    var prometheus: String?

    @Option(name: .customLong("registry-port"), help: "Port of Slipway's registry on 127.0.0.1.")
    var registryPort = 15050

    @Option(
        name: .customLong("ui-port"),
        help:
            "Port on 127.0.0.1 of the demo's server: its web UI and API, where the application's pushes are built (0: the kernel chooses).")
    var uiPort = 15060

    @Option(help: "Requests per second the demo's users send while releases run.")
    var rate: Double = 80

    @OptionGroup var local: LocalOptions
    @OptionGroup var launch: LocalLaunchOptions
    @OptionGroup var store: DeliveryStoreOption

    func validate() throws {
        guard rate > 0 && rate <= 2000 else { throw ValidationError("--rate must be between 0 and 2000 requests per second") }
        if let prometheus, URL(string: prometheus)?.scheme == nil {
            throw ValidationError("--prometheus must be a URL such as http://127.0.0.1:9090")
        }
    }

    func run() async throws {
        let executable = URL(fileURLWithPath: ProcessInfo.processInfo.environment["SLIPWAY_EXECUTABLE"] ?? CommandLine.arguments[0])
            .standardizedFileURL.path
        var options = SlipwayUp.Options(
            workspace: workspace, localDataDirectory: local.dataDirectory, storePath: store.resolvedPath, executable: executable)
        options.watch = watch
        options.prometheus = prometheus
        options.registryPort = registryPort
        options.serverPort = uiPort
        options.rate = rate
        options.localSettings = launch.settings
        let passed: Bool
        do { passed = try await SlipwayUp(options).run() } catch let failure as SlipwayUp.Failure {
            throw CommandFailure(failure.description)
        }
        if !passed { throw ExitCode(1) }
    }
}
