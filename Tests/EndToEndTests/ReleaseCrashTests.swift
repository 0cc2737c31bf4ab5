import Core
import Foundation
import Images
import Manifests
import OCI
import Releases
import SlipwayTesting
import Store
import TargetKit
import Targets
import Testing

/// kill -9 of the process running the canary controller (`slipway gitops watch`) at each point of a release where
/// state could be lost — canary created but weights unchanged, at 90/10, during a measurement, at the gate,
/// mid-promotion, mid-abort — against the real local target with Envoy and steady users' traffic. `SLIPWAY_CRASH_AT`
/// makes the process SIGKILL itself at exactly that point. After a restart every release converges within 10 s
/// (it resumes where it was, measurements kept, or finishes its rollback: 100/0, no canary, the revert pushed once,
/// the revision held), the record shows the restart, and no request to the app fails during the whole test.
@Suite(.serialized) struct ReleaseCrashTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../..").standardizedFileURL.path
    static let slipway = ProcessInfo.processInfo.environment["SLIPWAY_BINARY"] ?? (repositoryRoot + "/.build/debug/slipway")
    static let host = "app.crash.localhost"
    static let namespace = "crash"

    static var unavailableReason: String? {
        if getuid() != 0 { return "the local target needs root (bridge and veth)" }
        if EnvoyLocator.find() == nil { return "Envoy is missing (scripts/setup installs it)" }
        if BusyboxRoot.executable == nil { return "busybox is missing (scripts/setup installs busybox-static)" }
        return nil
    }

    /// One crash: where the process dies, what a person does before it (at the gate), and how the release ends.
    struct Scenario: Sendable {
        var point: String
        var version: String
        /// Decided at the gate, before the crash point is reached.
        var decisionAtGate: GateDecision.Action?
        /// Decided while no controller runs, after the crash.
        var decisionWhileDown: GateDecision.Action?
        /// What must hold within 10 s of the restart.
        var converged: @Sendable (Release) -> Bool
        var what: String
        var ends: ReleasePhase
    }

    static let scenarios: [Scenario] = [
        Scenario(
            point: "after:createCanary:Progressing", version: "v2", converged: { $0.canaryWeight == 10 || $0.stepIndex >= 1 },
            what: "the weights set once the canary's pods answer", ends: .succeeded),
        Scenario(
            point: "after:setWeights-10:Progressing", version: "v3", converged: { $0.waitingAtGate || $0.stepIndex >= 2 },
            what: "the analysis resumed at 90/10 and finished", ends: .succeeded),
        Scenario(
            point: "during:measure", version: "v4", converged: { $0.waitingAtGate || $0.stepIndex >= 2 },
            what: "the analysis resumed and finished", ends: .succeeded),
        Scenario(
            point: "at:gate", version: "v5", decisionWhileDown: .promote, converged: { $0.phase == .promoting || $0.phase == .succeeded },
            what: "the promotion recorded while no controller ran is carried out", ends: .succeeded),
        Scenario(
            point: "after:applyPrimary-new:Promoting", version: "v6", decisionAtGate: .promote, converged: { $0.phase == .succeeded },
            what: "the promotion finished", ends: .succeeded),
        Scenario(
            point: "after:setWeights-0:Aborting", version: "v7", decisionAtGate: .abort, converged: { $0.phase == .aborted },
            what: "the rollback finished", ends: .aborted),
    ]

    @Test(.timeLimit(.minutes(20))) func everyCrashPointConvergesAfterARestart() async throws {
        let suite = self
        try await HeavyTests.exclusively { try await suite.runEveryCrashPoint() }
    }

    func runEveryCrashPoint() async throws {
        if let reason = Self.unavailableReason {
            Issue.record(Comment(rawValue: reason))
            return
        }
        #expect(FileManager.default.isExecutableFile(atPath: Self.slipway), "build the slipway executable first (scripts/test does)")
        let world = try await World.make()
        defer { world.remove() }
        let checked: Result<Void, any Error>
        do { checked = .success(try await run(world)) } catch { checked = .failure(error) }
        let down = try await CapturedCommand.run(
            Self.slipway, ["local", "down", "--data-dir", world.local], environment: world.environment,
            timeout: .seconds(60))
        #expect(down.succeeded, "\(down.standardError)")
        let leftovers = Leftovers.processes(mentioning: world.root)
        #expect(leftovers.isEmpty, "no process outlives the test: \(leftovers)")
        try checked.get()
    }

    func run(_ world: World) async throws {
        let status = try await world.startTarget()
        let listen = try #require(URL(string: status["listen"]?.string ?? "")?.port, "\(status)")
        #expect(listen > 0)

        // v1 goes straight to the primary (no canary on a first deploy).
        let bootstrap = try await world.watch(crashAt: nil, label: "bootstrap")
        try await world.waitForPrimary("local/crash:v1")
        bootstrap.terminate()
        #expect(try await bootstrap.end(within: .seconds(30)) == .exited(0), "\(bootstrap.output.suffix(2000))")

        let client = LoadClient(port: listen, host: Self.host, pause: .milliseconds(20))
        let (_, samples) = try await client.during(workers: 2) {
            for scenario in Self.scenarios { try await self.crash(scenario, world: world) }
        }
        let failed = samples.filter { $0.status != 200 }
        #expect(samples.count > 500, "steady traffic ran during the whole test (\(samples.count) requests)")
        let firstFailures = failed.prefix(5).map { "\($0.status.map(String.init) ?? "error"): \($0.body)" }
        #expect(failed.isEmpty, "\(failed.count) of \(samples.count) requests failed: \(firstFailures)")
        print("crash test: \(samples.count) requests through the mesh, \(failed.count) failed")
        let versions = Set(samples.map(\.body))
        #expect(versions.isSuperset(of: ["v1", "v2", "v6"]), "the app answered from the versions it ran: \(versions.sorted())")
    }

    func crash(_ scenario: Scenario, world: World) async throws {
        let watch = try await world.watch(crashAt: scenario.point, label: scenario.point)
        let revision = try await world.repository.push(
            ["overlays/crash/kustomization.yaml": World.overlay(scenario.version)],
            message: "crash: set image local/crash to \(scenario.version)")
        let release = try await world.release(of: revision)
        if let decision = scenario.decisionAtGate {
            _ = try await world.waitFor(release.id, "the gate before \(scenario.point)") { $0.waitingAtGate }
            let answer = try await world.decide(decision)
            #expect(answer.succeeded, "\(answer.standardError)")
        }
        let end = try await watch.end(within: .seconds(120))
        #expect(end == .signaled(SIGKILL), "\(scenario.point): the controller was killed there (\(end)):\n\(watch.output.suffix(2000))")
        let atCrash = try #require(world.records.show(release.id)?.0)
        #expect(atCrash.isActive, "\(scenario.point): the release was under way when the process died (\(atCrash.summary))")

        if let decision = scenario.decisionWhileDown {
            let answer = try await world.decide(decision)
            #expect(
                answer.succeeded && answer.standardOutput.contains("recorded") && answer.standardOutput.contains("next tick"),
                "\(answer.standardOutput)\(answer.standardError)")
        }

        let restarted = try await world.watch(crashAt: nil, label: "\(scenario.point) restarted")
        let restart = ContinuousClock.now
        let converged = try await world.waitFor(
            release.id, "\(scenario.point): \(scenario.what) within 10 s of the restart", timeout: .seconds(10),
            scenario.converged)
        let took = ContinuousClock.now - restart
        let (_, events) = try #require(try world.records.show(release.id))
        #expect(
            events.contains { $0.kind == .note && $0.summary.hasPrefix("resumed: taken over by a new controller") },
            "\(scenario.point): the record shows the restart")
        #expect(took < .seconds(10), "\(scenario.point): converged in \(took)")
        print(
            "crash test: killed at \(scenario.point) (release #\(release.id) \(atCrash.phase.rawValue), \(atCrash.message)); "
                + "after the restart: \(converged.phase.rawValue) in "
                + "\(took.formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 1))))"
        )
        let ofRevision = try world.records.list(limit: 100).filter { $0.revision == revision }
        #expect(ofRevision.count == 1, "\(scenario.point): no second release of the revision")

        var finished = converged
        if scenario.ends == .succeeded, !finished.state.isFinal {
            finished = try await world.waitFor(release.id, "\(scenario.point): the gate after the restart") {
                $0.waitingAtGate || $0.state.isFinal
            }
            if finished.waitingAtGate {
                let answer = try await world.decide(.promote)
                #expect(answer.succeeded, "\(answer.standardError)")
            }
            finished = try await world.waitFor(release.id, "\(scenario.point): the end") { $0.state.isFinal }
        }
        #expect(finished.phase == scenario.ends, "\(scenario.point): \(finished.summary)")
        #expect(finished.pending.isEmpty)
        try await world.checkSettled(finished, scenario: scenario)
        restarted.terminate()
        #expect(try await restarted.end(within: .seconds(30)) == .exited(0), "\(restarted.output.suffix(2000))")
    }

    /// Everything one test run needs, under one temporary directory.
    struct World: Sendable {
        let root: String
        let repository: GitOpsRepository
        let environment: [String: String]
        let suffix: String
        var local: String { root + "/local" }
        var store: String { root + "/data/delivery.sqlite" }
        var config: String { root + "/slipway.yaml" }
        var records: ReleaseRecords { get throws { ReleaseRecords(store: try DeliveryStore(path: store)) } }

        static func make(versions: [String] = ["v1"] + ReleaseCrashTests.scenarios.map(\.version)) async throws -> World {
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-crash-\(UUID().uuidString.prefix(8))").path
            try FileManager.default.createDirectory(atPath: root + "/data", withIntermediateDirectories: true)
            let environment = ["SLIPWAY_IMAGE_STORE": "\(root)/images", "SLIPWAY_DATA_DIR": "\(root)/data"]
            try await buildImages(into: "\(root)/images", versions: versions, scratch: root)
            let repository = try await GitOpsRepository.make(
                "crash-gitops",
                files: [
                    "base/kustomization.yaml": "resources:\n- app.yaml\n", "base/app.yaml": objects,
                    "overlays/crash/kustomization.yaml": overlay("v1"),
                ])
            try """
            applications:
            - name: crash-app
              repository: \(repository.bare)
              branch: main
              path: overlays/crash
              namespace: \(ReleaseCrashTests.namespace)
              syncPolicy:
                automated: {prune: true, selfHeal: true}

            """.write(toFile: root + "/slipway.yaml", atomically: true, encoding: .utf8)
            return World(
                root: root, repository: repository, environment: environment,
                suffix: String(UUID().uuidString.filter(\.isHexDigit).prefix(6)).lowercased())
        }

        func remove() {
            repository.remove()
            try? FileManager.default.removeItem(atPath: root)
        }

        /// The local target on ports the kernel chooses, its own bridge and subnet.
        func startTarget() async throws -> ManifestValue {
            let up = try await CapturedCommand.run(
                ReleaseCrashTests.slipway,
                [
                    "local", "up", "--data-dir", local, "--subnet", await TestNetwork.subnet(), "--bridge", "scr\(suffix)",
                    "--port", "0", "--admin-port", "0", "--api-port", "0",
                ],
                environment: environment, timeout: .seconds(60))
            try #require(up.succeeded, "\(up.standardOutput)\(up.standardError)")
            return try await LocalTargetConnection(dataDirectory: local).status()
        }

        /// `slipway gitops watch` over the test's applications, store and target; killed at `crashAt` when given.
        func watch(crashAt point: String?, label: String) async throws -> ChildProcess {
            var environment = self.environment
            if let point { environment["SLIPWAY_CRASH_AT"] = point }
            let log = root + "/watch-\(label.replacingOccurrences(of: ":", with: "_").replacingOccurrences(of: " ", with: "_")).log"
            return try await ChildProcess.start(
                ReleaseCrashTests.slipway,
                ["gitops", "watch", "--config", config, "--data-dir", local, "--store", store],
                environment: environment, log: log)
        }

        /// The GitOps repository as a server's project: its `slipway.yaml` declares `crash-app` (in `environment`).
        func declareApplication(environment: String? = nil) async throws {
            _ = try await repository.push(
                [
                    "slipway.yaml": """
                    applications:
                    - name: crash-app
                      repository: \(repository.bare)
                      path: overlays/crash
                      namespace: \(ReleaseCrashTests.namespace)
                    \(environment.map { "  environment: \($0)\n" } ?? "")  syncPolicy:
                        automated: {prune: true, selfHeal: true}

                    """
                ], message: "declare the application")
        }

        /// `slipway rollout promote|abort crash-app` as a person types it.
        func decide(_ action: GateDecision.Action) async throws -> CapturedCommand.Result {
            try await CapturedCommand.run(
                ReleaseCrashTests.slipway,
                [
                    "rollout", action.rawValue, "crash-app", "--store", store, "--as", "tester",
                    "--reason", "crash test",
                ],
                environment: environment, timeout: .seconds(30))
        }

        func release(of revision: String) async throws -> Release {
            try await Deadline.within(.seconds(60), "a release of \(revision.prefix(8))") {
                while true {
                    if let found = try records.list(limit: 100).first(where: { $0.revision == revision }) { return found }
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
        }

        func waitFor(_ id: Int64, _ what: String, timeout: Duration = .seconds(90), _ condition: @escaping @Sendable (Release) -> Bool)
            async throws
            -> Release
        {
            try await Deadline.within(timeout, what) {
                while true {
                    if let release = try records.show(id)?.0, condition(release) { return release }
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
        }

        func waitForPrimary(_ image: String) async throws {
            let target = try LocalTargetConnection(dataDirectory: local)
            try await Deadline.within(.seconds(90), "the primary to run \(image)") {
                while true {
                    if let live = try await target.get(ObjectKey(.deployment, namespace: ReleaseCrashTests.namespace, name: "app")),
                        live.value(at: ["spec", "template", "spec", "containers"])?.array?.first?["image"]?.string == image,
                        live.value(at: ["status", "availableReplicas"])?.int == 2, live.value(at: ["status", "updatedReplicas"])?.int == 2
                    {
                        return
                    }
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
        }

        /// The target agrees with how the release ended: 100/0, no canary, the primary on the right version; an
        /// aborted release's revert pushed exactly once and its revision held.
        func checkSettled(_ release: Release, scenario: Scenario) async throws {
            let target = try LocalTargetConnection(dataDirectory: local)
            let route = try await target.get(ObjectKey(.virtualService, namespace: ReleaseCrashTests.namespace, name: "app-vs"))
            let weights = (route?.value(at: ["spec", "http"])?.array?.first?["route"]?.array ?? []).compactMap { $0["weight"]?.int }
            #expect(weights == [100, 0], "\(scenario.point): weights \(weights)")
            #expect(
                try await target.get(ObjectKey(.deployment, namespace: ReleaseCrashTests.namespace, name: "app-canary")) == nil,
                "\(scenario.point): no canary Deployment left")
            if release.phase == .succeeded {
                try await waitForPrimary("local/crash:\(scenario.version)")
            } else {
                let reverts = try await Git(directory: repository.bare).run([
                    "log", "--format=%H", "--fixed-strings", "--grep=Slipway-Release-Key: \(release.key)", "main",
                ])
                #expect(reverts.split(separator: "\n").count == 1, "\(scenario.point): the revert pushed once: \(reverts)")
                let held = try records.holds(application: "crash-app").map(\.revision)
                #expect(held.contains(release.revision), "\(scenario.point): the revision is held")
            }
        }

        static func overlay(_ tag: String) -> String {
            "resources:\n- ../../base\nimages:\n- name: local/crash\n  newTag: \(tag)\n"
        }

        /// `local/crash:<version>`: busybox httpd answering its version; `/health` for the readiness probe.
        static func buildImages(into storeRoot: String, versions: [String], scratch: String) async throws {
            let store = try ImageStore(root: storeRoot)
            let base = try BusyboxRoot.make(at: "\(scratch)/base")
            _ = try ImageImporter(store: store).importImage(
                from: base, tag: try ImageReference(parsing: "local/busybox:1"), sourceDateEpoch: 0)
            for version in versions {
                let context = "\(scratch)/contexts/\(version)"
                try FileManager.default.createDirectory(atPath: context, withIntermediateDirectories: true)
                try """
                FROM local/busybox:1
                RUN mkdir -p /www && echo \(version) > /www/index.html && echo ok > /www/health
                EXPOSE 3000
                CMD ["sh", "-c", "trap 'exit 0' TERM; httpd -f -p 3000 -h /www & wait"]

                """.write(toFile: "\(context)/Dockerfile", atomically: true, encoding: .utf8)
                _ = try await ImageBuilder(store: store, log: { _ in }).build(
                    BuildOptions(
                        context: context, dockerfile: "\(context)/Dockerfile",
                        tags: [try ImageReference(parsing: "local/crash:\(version)")]))
            }
        }

        static let objects = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: app}
            spec:
              replicas: 2
              selector: {matchLabels: {app: app, version: primary}}
              strategy: {rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}
              template:
                metadata: {labels: {app: app, version: primary}}
                spec:
                  containers:
                  - name: app
                    image: local/crash
                    ports: [{containerPort: 3000}]
                    readinessProbe: {httpGet: {path: /health, port: 3000}, periodSeconds: 1}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: app-service}
            spec:
              selector: {app: app}
              ports: [{name: http, port: 80, targetPort: 3000}]
            ---
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: app-dr}
            spec:
              host: app-service
              subsets:
              - {name: primary, labels: {version: primary}}
              - {name: canary, labels: {version: canary}}
            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: app-vs}
            spec:
              hosts: [app-service, \(ReleaseCrashTests.host)]
              http:
              - route:
                - {destination: {host: app-service, subset: primary}, weight: 100}
                - {destination: {host: app-service, subset: canary}, weight: 0}
            ---
            apiVersion: slipway.dev/v1
            kind: Canary
            metadata: {name: app}
            spec:
              deployment: app
              service: app-service
              virtualService: {name: app-vs}
              destinationRule: {name: app-dr, stableSubset: primary, canarySubset: canary}
              steps:
              - setWeight: 10
              - analysis: {templates: [{templateName: quick}]}
              - pause: {}
              analysis: {templates: [{templateName: quick}]}
            ---
            apiVersion: slipway.dev/v1
            kind: AnalysisTemplate
            metadata: {name: quick}
            spec:
              metrics:
              - name: success-rate
                interval: 1s
                initialDelay: 1s
                count: 2
                minRequests: 2
                successCondition: result >= 0.95
                failureLimit: 0
                inconclusiveLimit: 3
                provider:
                  local: {metric: success-rate, window: 5s}

            """
    }
}
