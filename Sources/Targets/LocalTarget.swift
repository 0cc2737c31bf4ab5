import Foundation
import Manifests
import OCI
import OCIClient
import Synchronization
import TargetKit

/// The embedded target: Kubernetes objects run on this machine. Deployments become ReplicaSets and pods (sandboxed
/// processes on a bridge network), Services and Istio routing become one Envoy's configuration. One reconcile loop
/// drives everything; `run()` owns every pod, Envoy and the loop, and ends them when cancelled.
public actor LocalTarget: Target {
    public struct Configuration: Sendable {
        public var dataDirectory: String
        public var subnet: IPv4Subnet
        public var bridgeName: String
        public var envoyExecutable: String
        public var listenPort: Int
        public var adminPort: Int
        /// Images are looked up here and pulled into it.
        public var imageStore: ImageStore
        /// Pulls images; the target owns it and shuts it down in `tearDown()`.
        public var registry: RegistryClient
        /// How long a terminating pod keeps serving requests already routed to it before SIGTERM.
        public var drain: Duration = .milliseconds(500)

        public init(
            dataDirectory: String, subnet: IPv4Subnet, bridgeName: String = "slipway0", envoyExecutable: String,
            listenPort: Int = 15080, adminPort: Int = 15000, imageStore: ImageStore, registry: RegistryClient = RegistryClient()
        ) {
            self.dataDirectory = dataDirectory
            self.subnet = subnet
            self.bridgeName = bridgeName
            self.envoyExecutable = envoyExecutable
            self.listenPort = listenPort
            self.adminPort = adminPort
            self.imageStore = imageStore
            self.registry = registry
        }
    }

    enum Command: Sendable {
        /// A pass is wanted by everything that asked up to this ticket.
        case reconcile(Int)
        case runPod(PodRequest)
    }

    /// Numbers reconcile requests, so a pass covers every request made before it started.
    final class Tickets: Sendable {
        private let counter = Mutex(0)
        func next() -> Int {
            counter.withLock {
                $0 += 1
                return $0
            }
        }
        var current: Int { counter.withLock { $0 } }
    }

    public let configuration: Configuration
    public let store: ObjectStore
    let bridge: PodBridge
    let pods: PodRuntime
    public let mesh: EnvoyMesh
    private let commands: AsyncStream<Command>
    let commandSink: AsyncStream<Command>.Continuation
    private let tickets = Tickets()
    private var completedPass = 0
    private var passWaiters: [(Int, CheckedContinuation<Void, Never>)] = []
    private var reportedIgnored: Set<String> = []
    var deploymentStatuses: [ObjectKey: DeploymentStatus] = [:]
    var publishedMesh: EnvoyConfig?
    /// Why Envoy refused the configuration the stored objects make, while it does.
    var meshRejection: String?
    private var isReady = false
    private var readyWaiters: [CheckedContinuation<Void, Never>] = []
    /// Problems found while reconciling (rejected mesh updates, ...), newest last, for `status`.
    public private(set) var events: [String] = []

    public init(configuration: Configuration) throws {
        self.configuration = configuration
        let data = configuration.dataDirectory
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        // Secrets are kept in the object file, as etcd keeps them: only the owner may read the directory.
        chmod(data, 0o700)
        let store = try ObjectStore(file: "\(data)/objects.json")
        self.store = store
        bridge = try PodBridge(name: configuration.bridgeName, subnet: configuration.subnet)
        let (commands, sink) = AsyncStream<Command>.makeStream()
        self.commands = commands
        commandSink = sink
        let tickets = self.tickets
        let resolver = try ImageResolver(store: configuration.imageStore, layerRoot: "\(data)/layers", registry: configuration.registry)
        pods = PodRuntime(bridge: bridge, resolver: resolver, root: "\(data)/pods") { key, state in
            await store.setStatus(state.manifest(now: Date()), of: key)
            sink.yield(.reconcile(tickets.next()))
        }
        mesh = EnvoyMesh(
            configuration: EnvoyMesh.Configuration(
                directory: "\(data)/mesh", executable: configuration.envoyExecutable,
                listenPort: configuration.listenPort, adminPort: configuration.adminPort))
    }

    // MARK: Lifecycle

    /// Runs the target until cancelled: the bridge, Envoy, the reconcile loop and every pod.
    public func run() async throws {
        // Whoever waits for readiness hears of the end too, ready or not.
        defer { wakeReadyWaiters() }
        PodSandbox.killLeftovers(under: "\(configuration.dataDirectory)/pods")
        try await bridge.ensure()
        try await withThrowingDiscardingTaskGroup { group in
            let mesh = self.mesh
            group.addTask { try await mesh.run() }
            try await mesh.waitUntilReady()
            becameReady()
            let sink = commandSink
            let tickets = self.tickets
            group.addTask {
                while !Task.isCancelled {
                    try await Task.sleep(for: .milliseconds(500))
                    sink.yield(.reconcile(tickets.next()))
                }
            }
            sink.yield(.reconcile(tickets.next()))
            for await command in commands {
                switch command {
                case .reconcile(let ticket):
                    if ticket <= completedPass { continue }
                    await reconcile()
                case .runPod(let request):
                    let pods = self.pods
                    let drain = configuration.drain
                    group.addTask { await pods.run(request, drain: drain) }
                }
                if Task.isCancelled { break }
            }
            group.cancelAll()
        }
    }

    /// Returns once the target serves: the bridge set up, Envoy ready and its ports known (also when they were 0).
    public func ready() async {
        if isReady { return }
        await withCheckedContinuation { readyWaiters.append($0) }
    }

    private func becameReady() {
        isReady = true
        wakeReadyWaiters()
    }

    private func wakeReadyWaiters() {
        for waiter in readyWaiters { waiter.resume() }
        readyWaiters = []
    }

    /// Removes what `run()` set up on the host (the bridge); pods and Envoy are gone once `run()` has returned.
    public func tearDown() async {
        PodSandbox.killLeftovers(under: "\(configuration.dataDirectory)/pods")
        await bridge.removeAttachedLinks()
        await bridge.remove()
        await store.flush()
        configuration.registry.shutdown()
    }

    func requestReconcile() -> Int {
        let ticket = tickets.next()
        commandSink.yield(.reconcile(ticket))
        return ticket
    }

    /// Returns once a reconcile pass that started after `pass` was requested has finished (mesh published).
    func waitForPass(_ pass: Int) async {
        if completedPass >= pass { return }
        await withCheckedContinuation { continuation in passWaiters.append((pass, continuation)) }
    }

    func record(_ event: String) {
        events.append(event)
        if events.count > 100 { events.removeFirst(events.count - 100) }
    }

    private func reconcile() async {
        let pass = tickets.current
        await reconcileWorkloads()
        await reconcileMesh()
        await finishTerminatingPods()
        await store.flush()
        completedPass = max(completedPass, pass)
        let ready = passWaiters.filter { $0.0 <= completedPass }
        passWaiters.removeAll { $0.0 <= completedPass }
        for (_, continuation) in ready { continuation.resume() }
    }

    // MARK: Target

    public func apply(_ objects: [ManifestValue], fieldManager: String, force: Bool) async throws -> [AppliedObject] {
        var checked: [ObjectValidator.Checked] = []
        var problems: [String] = []
        for object in objects {
            do { checked.append(try ObjectValidator.check(object)) } catch { problems.append(error.description) }
        }
        guard problems.isEmpty else { throw TargetError.invalid(problems.joined(separator: "\n")) }
        var seen: Set<ObjectKey> = []
        for item in checked where !seen.insert(item.key).inserted {
            throw TargetError.invalid("\(item.key) appears twice in one apply")
        }
        let namespaces = Set(checked.filter { $0.key.kind == .namespace }.map(\.key.name))
        for item in checked where item.key.kind.isNamespaced && !namespaces.contains(item.key.namespace) {
            if await store.get(ObjectKey(.namespace, name: item.key.namespace)) == nil {
                throw TargetError.notFound("namespaces \"\(item.key.namespace)\"")
            }
        }
        let before = await routingBefore(checked.map(\.key))
        let outcomes = try await store.apply(checked.map { ($0.key, $0.object) }, manager: fieldManager, force: force)
        // The stored state, this apply included, for the references VirtualServices make.
        let snapshot = checked.contains { $0.key.kind == .virtualService } ? await meshSnapshot() : nil
        var results: [AppliedObject] = []
        for (item, outcome) in zip(checked, outcomes) {
            var warnings: [String] = []
            for field in item.ignoredFields where reportedIgnored.insert("\(item.key)|\(field)").inserted {
                warnings.append(field.hasPrefix("kind ") ? field : "\(field) is ignored by the local target")
            }
            if let snapshot, item.key.kind == .virtualService,
                let route = snapshot.virtualServices.first(where: { $0.namespace == item.key.namespace && $0.name == item.key.name })
            {
                warnings += EnvoyConfig.danglingReferences(route.spec, namespace: item.key.namespace, snapshot: snapshot)
            }
            results.append(AppliedObject(key: item.key, outcome: outcome.1, warnings: warnings))
        }
        try await settle(before)
        return results
    }

    /// What a write must be able to undo: the stored state of the objects it touches and, when it may change
    /// routing, the mesh configuration before it.
    struct Undo {
        var saved: ObjectStore.Saved
        var meshBefore: EnvoyConfig?
        /// Whether the write changes what runs at once (workloads, namespaces, routing), so it returns only after a
        /// reconcile pass has acted on it; other kinds (ConfigMaps, Secrets, kept-only kinds) are read when needed.
        var waitsForPass: Bool
    }

    func routingBefore(_ keys: [ObjectKey]) async -> Undo {
        // Only these kinds change routing at once (pods change it later, through the runtime): other writes skip the
        // snapshot.
        let routingKinds: Set<ObjectKind> = [.service, .virtualService, .destinationRule]
        let meshBefore = keys.contains { routingKinds.contains($0.kind) } ? EnvoyConfig(await meshSnapshot()) : nil
        let acting = meshBefore != nil || keys.contains { [.deployment, .namespace, .gateway].contains($0.kind) }
        return Undo(saved: await store.save(keys), meshBefore: meshBefore, waitsForPass: acting)
    }

    /// Waits for a reconcile pass over a write; when Envoy refused the routing it makes, undoes it whole, so what
    /// was served before is what is stored.
    func settle(_ undo: Undo, what: String = "apply") async throws {
        let pass = requestReconcile()
        guard undo.waitsForPass else { return }
        await waitForPass(pass)
        if let meshBefore = undo.meshBefore, let rejection = meshRejection, EnvoyConfig(await meshSnapshot()) != meshBefore {
            await store.restore(undo.saved)
            await waitForPass(requestReconcile())
            throw TargetError.mesh("the \(what) was undone: \(rejection)")
        }
    }

    public func get(_ key: ObjectKey) async throws -> ManifestValue? { await store.get(key) }

    public func list(_ kind: ObjectKind, namespace: String?) async throws -> [ManifestValue] {
        await store.list(kind, namespace: namespace)
    }

    public func delete(_ key: ObjectKey) async throws -> Bool { try await delete(key, gracePeriodSeconds: nil) }

    /// Deletes an object; a pod gets `gracePeriodSeconds` between SIGTERM and SIGKILL instead of its own
    /// `terminationGracePeriodSeconds` (kubectl's `--grace-period`, `--now`).
    public func delete(_ key: ObjectKey, gracePeriodSeconds: Int?) async throws -> Bool {
        guard let object = await store.get(key) else { return false }
        switch key.kind {
        case .pod:
            await markTerminating(key, object: object, grace: gracePeriodSeconds)
        case .namespace:
            guard key.name != "default" else {
                throw TargetError.invalid("namespaces \"default\" is forbidden: this namespace may not be deleted")
            }
            for other in await store.keys() where other.namespace == key.name {
                if other.kind == .pod {
                    await markTerminating(other, object: await store.get(other) ?? object)
                } else {
                    await store.remove(other)
                }
            }
            await store.remove(key)
        default:
            await store.remove(key)
            if key.kind == .deployment { deploymentStatuses[key] = nil }
        }
        await waitForPass(requestReconcile())
        return true
    }

    public func watch() async -> AsyncStream<ObjectEvent> { await store.watch() }

    /// The file holding a pod's output.
    public func logFile(of pod: ObjectKey) async -> String { await pods.logFile(pod) }

    /// Waits until `condition` holds for the object (or `timeout` passes); returns the last object seen.
    public func wait(for key: ObjectKey, timeout: Duration, until condition: @Sendable (ManifestValue?) -> Bool) async throws
        -> ManifestValue?
    {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let object = await store.get(key)
            if condition(object) { return object }
            try await Task.sleep(for: .milliseconds(20))
        }
        return await store.get(key)
    }
}
