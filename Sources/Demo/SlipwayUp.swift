import AsyncHTTPClient
import Core
import Delivery
import Foundation
import GitOps
import Images
import Logging
import Manifests
import NIOCore
import OCI
import OCIRegistry
import Releases
import Server
import ServiceLifecycle
import Store
import TargetKit
import Targets

/// `slipway up`: the whole system on this machine, from `git push` to a verified canary — a demo workspace, Slipway's
/// registry, the local target, the sync engine and the canary controller — then a good and a bad release, or (with
/// `watch`) every new commit of the application after them.
public struct SlipwayUp: Sendable {
    public struct Options: Sendable {
        public var workspace: String
        public var watch = false
        public var prometheus: String?
        public var registryPort = 15050
        /// Port on 127.0.0.1 of the demo's `slipway server` (its web UI, API and the application's CI and CD, over the
        /// demo's delivery store); 0: the kernel chooses.
        public var serverPort = 15060
        public var rate: Double = 80
        public var localDataDirectory: String
        public var localSettings = LocalTargetLauncher.Settings()
        public var storePath: String
        /// The `slipway` binary: it runs the local target's daemon and the step processes of the docker/* actions.
        public var executable: String

        public init(workspace: String, localDataDirectory: String, storePath: String, executable: String) {
            self.workspace = workspace
            self.localDataDirectory = localDataDirectory
            self.storePath = storePath
            self.executable = executable
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public let options: Options

    public init(_ options: Options) { self.options = options }

    /// Runs the demo; answers whether every claim of its summary holds (true as well when a signal stopped `watch`).
    public func run() async throws -> Bool {
        let started = ContinuousClock.now
        guard BusyboxRoot.executable != nil else {
            throw Failure(description: "busybox is not installed (scripts/setup installs Debian busybox-static)")
        }
        let registryPort = options.registryPort
        let registry = "127.0.0.1:\(registryPort)"

        let (workspace, created) = try await DemoWorkspace.prepare(at: options.workspace, prometheus: options.prometheus)
        Self.output(
            "workspace \(workspace.root) (\(created ? "created" : "reused")): app/ (seed 000's CI and CD), gitops-config.git, slipway.yaml")
        do { try workspace.ensureBaseImage() } catch {
            throw Failure(description: "could not import busybox as the demo's base image: \(error)")
        }
        if registryPort != 0, try await Self.answers("http://\(registry)/v2/") {
            throw Failure(
                description:
                    "something already listens on \(registry); stop it (an earlier `slipway up --watch`?) or choose --registry-port")
        }
        let status = try await LocalTargetLauncher(dataDirectory: options.localDataDirectory).ensureRunning(
            options.localSettings,
            executable: options.executable)
        Self.output(LocalTargetLauncher.describe(status))

        let config: ApplicationConfig
        do { config = try ApplicationConfig.load(file: workspace.config) } catch { throw Failure(description: "\(error)") }
        guard let application = config.applications.first(where: { $0.name == DemoWorkspace.application }) else {
            throw Failure(description: "\(workspace.config) does not declare \(DemoWorkspace.application)")
        }
        var logger = Logger(label: "slipway.up")
        logger.logLevel = .warning
        // The application joins the sync controller once its GitOps overlay names a built image (after the first CI run).
        let stack = try await DeliveryStack(
            localDataDirectory: options.localDataDirectory, storePath: options.storePath, cacheRoot: workspace.cache,
            applications: [], logger: logger)
        guard let target = stack.localTarget else { throw Failure(description: "the demo runs on the local target") }
        let (log, controller, sync) = (stack.log, stack.controller, stack.sync)
        let storage: RegistryStorage
        do { storage = try RegistryStorage(root: workspace.registry) } catch { throw Failure(description: "\(error)") }
        // The registry's port is known once it listens (the kernel chooses it for port 0); CI pushes there.
        let (registryPorts, registryPortSink) = AsyncStream.makeStream(of: Int.self)
        let registryServer = RegistryServer(storage: storage).service(host: "127.0.0.1", port: registryPort, logLevel: .critical) { port in
            registryPortSink.yield(port)
            registryPortSink.finish()
        }
        let services = ServiceGroup(
            services: [registryServer, sync, controller], logger: logger)

        let listen = status["listen"]?.string ?? "http://127.0.0.1:\(options.localSettings.port)"
        let port = URL(string: listen)?.port ?? options.localSettings.port
        let host = DemoResources.host("qa")
        let traffic = DemoTraffic(url: "http://127.0.0.1:\(port)/", host: host, rate: options.rate)
        let progress = DemoProgress(log: log, application: application.name)
        let url = "http://\(host):\(port)/"

        let watch = options.watch
        // The demo's server: pushes to the application are built there (CI and CD, with live logs and job graphs), and
        // over the demo's delivery store its releases can be followed, and decided, while they happen (the demo's own
        // controllers carry the decisions out: the server runs none of its own).
        let server = try await startServer(workspace: workspace, logger: logger)
        let outcome: Result<Bool, any Error>
        do {
            let project = try await server.client.project(named: DemoResources.imageName, repository: workspace.origin)
            outcome = .success(try await runStory(services, server: server.client, project: project))
        } catch { outcome = .failure(error) }
        // The server stops with the demo (its listener closed, its record removed) before the process ends.
        server.task.cancel()
        _ = await server.task.result
        return try outcome.get()

        func runStory(_ services: ServiceGroup, server: DemoServer, project: Int) async throws -> Bool {
            do {
                return try await run(
                    services,
                    story: {
                        guard let bound = try await Self.first(of: registryPorts, within: .seconds(15)) else {
                            throw Failure(description: "Slipway's registry did not listen on 127.0.0.1:\(registryPort) within 15 s")
                        }
                        let registry = "127.0.0.1:\(bound)"
                        let flow = DemoFlow(
                            workspace: workspace, registry: registry, application: application, log: log,
                            controller: controller, sync: sync, target: target, traffic: traffic, progress: progress, server: server,
                            project: project)
                        return try await Self.story(flow, registry: registry, url: url, started: started, watch: watch)
                    })
            } catch is CancellationError {
                // Stopped by SIGINT or SIGTERM (how --watch ends): the services have shut down.
                return true
            }
        }
    }

    /// Starts the demo's server: answers its task and its API's client, and says where its web UI is and how to sign in.
    func startServer(workspace: DemoWorkspace, logger: Logger) async throws -> (task: Task<Void, any Error>, client: DemoServer) {
        let port = options.serverPort
        var server = SlipwayServer(
            dataDirectory: workspace.server, host: "127.0.0.1", port: port, workers: 1, deliveryStorePath: options.storePath)
        // The push hook in app.git tells the server at once; a look every 10 s finds a push whose hook could not.
        server.pollInterval = .seconds(10)
        server.hookExecutable = options.executable
        server.repositoryMap = ["my-org/gitops-config": workspace.gitops]
        let (urls, sink) = AsyncStream.makeStream(of: String.self)
        let configured = server
        let task = Task {
            try await configured.run(logger: logger) { url in
                sink.yield(url)
                sink.finish()
            }
        }
        guard let url = try await Self.first(of: urls, within: .seconds(15)) else {
            task.cancel()
            throw Failure(
                description: "the demo's server did not listen on 127.0.0.1:\(port) within 15 s (another `slipway up`? choose --ui-port)")
        }
        let token: String
        do {
            token = try String(contentsOfFile: server.adminTokenPath, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        } catch {
            task.cancel()
            throw Failure(description: "cannot read the demo's server's admin token \(server.adminTokenPath): \(error)")
        }
        Self.output(
            "web UI: \(url)/ — sign in with the token in \(server.adminTokenPath); the application's runs and releases appear there as they happen"
        )
        return (task, DemoServer(url: url, token: token))
    }

    /// Runs the services and the story side by side; answers the story's verdict (true when a signal stopped both).
    func run(_ services: ServiceGroup, story: @escaping @Sendable () async throws -> Bool) async throws -> Bool {
        enum Ended: Sendable {
            case services
            case story(passed: Bool)
        }
        return try await withThrowingTaskGroup(of: Ended.self) { tasks in
            tasks.addTask {
                do { try await services.runUntilTerminationSignal() } catch is CancellationError {
                    // A signal's shutdown can surface as a service's cancellation: stopping is what was asked.
                }
                return .services
            }
            tasks.addTask {
                do {
                    let passed = try await story()
                    await services.triggerGracefulShutdown()
                    return .story(passed: passed)
                } catch {
                    await services.triggerGracefulShutdown()
                    throw error
                }
            }
            switch try await tasks.next() {
            case .story(let passed)?:
                // The services stop gracefully: the registry finishes its requests, the controllers their step.
                _ = try await tasks.next()
                return passed
            default:
                // A signal stopped the services (--watch ends this way): the story stops where it is.
                tasks.cancelAll()
                while (try? await tasks.next()) != nil {}
                return true
            }
        }
    }

    /// The first value of `stream`, or nil when it ends or `timeout` passes first.
    static func first<Value: Sendable>(of stream: AsyncStream<Value>, within timeout: Duration) async throws -> Value? {
        try await withThrowingTaskGroup(of: Value?.self) { group in
            group.addTask {
                var iterator = stream.makeAsyncIterator()
                return await iterator.next()
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
    }

    /// The demo itself; answers whether every claim of the summary holds.
    static func story(_ flow: DemoFlow, registry: String, url: String, started: ContinuousClock.Instant, watch: Bool) async throws -> Bool {
        let progress = flow.progress
        await progress.say("Slipway's registry listens on \(registry)")
        let tagged =
            (try? await Git(directory: flow.workspace.gitops).run(["show", "main:overlays/qa/my-app/kustomization.yaml"]))?.contains(
                "newTag:") ?? false
        return try await withThrowingTaskGroup(of: Void.self) { background in
            background.addTask { await progress.follow() }
            defer { background.cancelAll() }
            try await flow.configureProject()
            if tagged {
                try await flow.resume()
            } else {
                try await flow.clearLeftovers()
                try await flow.bootstrap()
            }
            background.addTask { await flow.traffic.run() }
            await progress.say("users: \(Int(flow.traffic.rate)) requests/s to \(url) through the mesh")
            let number = (await flow.log.all().count) + 1
            let good = try await flow.goodRelease(number: number)
            let bad = try await flow.badRelease(number: number + 1)
            try await Task.sleep(for: .seconds(1))
            await progress.catchUp()
            let history = (try? await Git(directory: flow.workspace.gitops).run(["log", "--format=%h %s", "-8", "main"])) ?? ""
            var canary: [(String, DemoTraffic.Tally)] = []
            for release in [good, bad] {
                let version = DemoFlow.tag(of: release.images.first ?? "")
                canary.append((version, await flow.traffic.canaryTally(version)))
            }
            let summary = DemoSummary(
                good: good, bad: bad, goodEvents: await flow.log.timeline(of: good.id), badEvents: await flow.log.timeline(of: bad.id),
                primary: await flow.traffic.primary, primaryFailures: await flow.traffic.primaryFailures, canary: canary,
                history: history, url: url, elapsed: (ContinuousClock.now - started).seconds)
            Self.output(summary.render())
            if watch {
                Self.output(
                    "\nwatching \(flow.workspace.origin) (branch main): commit in \(flow.workspace.app) and `git push`, and the new "
                        + "version is built and released; Ctrl-C stops")
                try await watchPushes(flow)
            }
            return summary.failures.isEmpty
        }
    }

    /// `--watch`: every push to the application's main branch is built by the server (CI and CD); the sync engine and
    /// the canary controller take it from there (gates through `slipway rollout` or the web UI).
    static func watchPushes(_ flow: DemoFlow) async throws {
        try await flow.server.followDeliveries(project: flow.project) { finished in
            do {
                let delivery = try await flow.report(finished, commit: finished.sha, before: nil)
                await flow.progress.say("GitOps commit \(delivery.gitopsRevision.prefix(8)) pushed; the sync engine takes it from here")
            } catch {
                await flow.progress.say("\(error)")
            }
        }
    }

    /// Unbuffered, like the progress lines, so the order holds when the output is piped.
    static func output(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Whether an HTTP server answers at `url` (any status).
    static func answers(_ url: String) async throws -> Bool {
        do {
            let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(2))
            _ = try await response.body.collect(upTo: 1 << 16)
            return true
        } catch {
            return false
        }
    }
}
