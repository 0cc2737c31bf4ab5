import Core
import Foundation
import Manifests
import OCI
import TargetKit

/// What the runtime needs to run one pod.
public struct PodRequest: Sendable {
    public var key: ObjectKey
    public var uid: String
    public var container: ContainerSpec
    public var gracePeriod: Duration
    /// Resolves the container's environment at each start (ConfigMaps and Secrets may change), given the pod's address.
    public var environment: @Sendable (IPv4Address) async throws(PodFailure) -> [String: String]
}

/// Runs pods: pulls and unpacks images, gives each pod an address, starts its container in a sandbox, probes it,
/// restarts it with back-off when it exits, and stops it gracefully. Reports every state change through `report`.
public actor PodRuntime {
    let sandbox: PodSandbox
    let resolver: ImageResolver
    let root: String
    let report: @Sendable (ObjectKey, PodRunState) async -> Void
    private var pool: AddressPool
    private var controls: [ObjectKey: PodControl] = [:]
    private var states: [ObjectKey: PodRunState] = [:]
    private var finished: Set<ObjectKey> = []

    public init(
        bridge: PodBridge, resolver: ImageResolver, root: String, report: @escaping @Sendable (ObjectKey, PodRunState) async -> Void
    ) {
        sandbox = PodSandbox(bridge: bridge)
        self.resolver = resolver
        self.root = root
        self.report = report
        pool = AddressPool(subnet: bridge.subnet)
    }

    /// Registers a pod; true when it is new and its run loop must be started (`run`).
    public func claim(_ key: ObjectKey) -> Bool {
        guard controls[key] == nil, !finished.contains(key) else { return false }
        controls[key] = PodControl()
        return true
    }

    /// Asks a pod to stop: SIGTERM to its container after `drain`, SIGKILL when `grace` runs out.
    public func stop(_ key: ObjectKey, grace: Duration) {
        if let control = controls[key] { control.requestStop(grace: grace) } else { finished.insert(key) }
    }

    /// The pod's loop has ended (its processes are gone).
    public func hasFinished(_ key: ObjectKey) -> Bool { finished.contains(key) }

    /// Forgets a pod whose object is gone, with its directory and logs (as the kubelet removes a deleted pod's logs).
    public func forget(_ key: ObjectKey) {
        finished.remove(key)
        states[key] = nil
        try? FileManager.default.removeItem(atPath: "\(root)/\(key.namespace)/\(key.name)")
    }

    public func logFile(_ key: ObjectKey) -> String { "\(root)/\(key.namespace)/\(key.name)/log" }

    private func update(_ key: ObjectKey, _ change: (inout PodRunState) -> Void) async {
        guard var state = states[key] else { return }
        change(&state)
        guard state != states[key] else { return }
        states[key] = state
        await report(key, state)
    }

    private func allocate() -> IPv4Address? { pool.allocate() }
    private func release(_ address: IPv4Address) { pool.release(address) }

    private func ended(_ key: ObjectKey) {
        controls[key] = nil
        finished.insert(key)
    }

    /// The pod's whole life; returns once it was asked to stop and its processes are gone.
    public func run(_ request: PodRequest, drain: Duration) async {
        let key = request.key
        guard let control = controls[key] else { return }
        states[key] = PodRunState(containerName: request.container.name, image: request.container.image, startTime: Date())
        if let state = states[key] { await report(key, state) }
        let directory = "\(root)/\(key.namespace)/\(key.name)"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)

        var image: ImageResolver.Resolved?
        var pullFailures = 0
        while image == nil, !control.isStopping {
            do {
                image = try await resolver.resolve(request.container.image, policy: request.container.imagePullPolicy)
            } catch {
                pullFailures += 1
                await update(key) { $0.state = .waiting(reason: error.reason, message: error.message) }
                guard await control.sleep(for: .seconds(1)) else { break }
                await update(key) {
                    $0.state = .waiting(reason: "ImagePullBackOff", message: "Back-off pulling image \"\(request.container.image)\"")
                }
                _ = await control.sleep(for: CrashLoopBackOff.delay(restarts: pullFailures) - .seconds(1))
            }
        }
        guard let image, !control.isStopping, let address = allocate() else {
            if image != nil, !control.isStopping {
                await update(key) { $0.state = .waiting(reason: "CreateContainerError", message: "no pod address left in the subnet") }
            }
            await finish(key, directory: directory)
            return
        }
        await update(key) {
            $0.podIP = address
            $0.imageID = image.imageID
        }
        let interface = "slw" + String(request.uid.filter(\.isHexDigit).prefix(8))
        var restarts = 0
        while !control.isStopping {
            let environment: [String: String]
            do { environment = try await request.environment(address) } catch {
                await update(key) { $0.state = .waiting(reason: "CreateContainerConfigError", message: error.message) }
                guard await control.sleep(for: .seconds(2)) else { break }
                continue
            }
            let launch = PodSandbox.Launch(
                layers: image.layers, stateDirectory: directory,
                command: Self.command(request.container, image.config.config, environment: environment),
                environment: Self.merge(image: image.config.config.env ?? [], environment),
                workingDirectory: request.container.workingDir ?? image.config.config.workingDir ?? "/",
                address: address, interface: interface, hostname: key.name)
            let startedAt = Date()
            let outcome = await runContainer(request, launch: launch, control: control, drain: drain)
            let finishedAt = Date()
            // As the kubelet reports it: a container that could not start ends with 128, StartError.
            let exitCode = outcome ?? 128
            let reason = outcome == nil ? "StartError" : exitCode == 0 ? "Completed" : "Error"
            await update(key) {
                $0.lastState = .terminated(exitCode: exitCode, reason: reason, startedAt: startedAt, finishedAt: finishedAt)
                $0.state = .terminated(exitCode: exitCode, reason: reason, startedAt: startedAt, finishedAt: finishedAt)
                $0.ready = false
                $0.started = false
            }
            if control.isStopping { break }
            if finishedAt.timeIntervalSince(startedAt) >= CrashLoopBackOff.resetAfter.seconds { restarts = 0 }
            let delay = CrashLoopBackOff.delay(restarts: restarts)
            restarts += 1
            if delay > .zero {
                await update(key) {
                    $0.state = .waiting(
                        reason: "CrashLoopBackOff",
                        message:
                            "back-off \(delay.components.seconds)s restarting failed container=\(request.container.name) pod=\(key.name)")
                }
                guard await control.sleep(for: delay) else { break }
            }
            await update(key) { $0.restartCount += 1 }
        }
        release(address)
        await finish(key, directory: directory)
    }

    private func finish(_ key: ObjectKey, directory: String) async {
        for sub in ["upper", "work", "merged"] { try? FileManager.default.removeItem(atPath: "\(directory)/\(sub)") }
        ended(key)
        if let state = states[key] { await report(key, state) }
    }

    /// One start of the container: runs it with its probes until it exits (or is stopped); returns the exit code, or
    /// nil when the container could not start.
    private func runContainer(_ request: PodRequest, launch: PodSandbox.Launch, control: PodControl, drain: Duration) async -> Int32? {
        let key = request.key
        let sandbox = self.sandbox
        /// What each child task ended with; only the container's end stops the group.
        enum Finished: Sendable {
            case exited(Int32)
            case failedToStart, helperDone
        }
        return await withTaskGroup(of: Finished.self) { group in
            group.addTask {
                do {
                    return .exited(try await sandbox.run(launch) { processes in control.processes = processes })
                } catch {
                    // Kept in the pod's log as well: the status moves on with the next restart. A sandbox that could
                    // not be set up ran nothing of the container's, so its log stays the container's own.
                    if !(error is PodSandbox.SetupFailure), let log = FileHandle(forWritingAtPath: "\(launch.stateDirectory)/log") {
                        log.seekToEndOfFile()
                        log.write(Data("slipway: the container could not start: \(error)\n".utf8))
                        try? log.close()
                    }
                    await self.update(key) { $0.state = .waiting(reason: "RunContainerError", message: "\(error)") }
                    return .failedToStart
                }
            }
            group.addTask {
                await self.probe(request, address: launch.address, control: control)
                return .helperDone
            }
            group.addTask {
                await control.waitForStop()
                if Task.isCancelled { return .helperDone }
                // Endpoints were withdrawn before the stop; let requests already on their way finish.
                try? await Task.sleep(for: drain)
                if let processes = control.processes { kill(processes.container, SIGTERM) }
                try? await Task.sleep(for: control.grace)
                if let processes = control.processes { kill(processes.wrapper, SIGKILL) }
                return .helperDone
            }
            var code: Int32? = 0
            for await finished in group {
                switch finished {
                case .exited(let status): code = status
                case .failedToStart: code = nil
                case .helperDone: continue
                }
                break
            }
            control.processes = nil
            group.cancelAll()
            return code
        }
    }

    /// Marks the container running once its processes exist, then runs startup, readiness and liveness probes.
    private func probe(_ request: PodRequest, address: IPv4Address, control: PodControl) async {
        let key = request.key
        var processes: PodSandbox.Processes?
        while processes == nil {
            processes = control.processes
            if processes == nil {
                do { try await Task.sleep(for: .milliseconds(5)) } catch { return }
            }
        }
        guard let processes else { return }
        let container = request.container
        await update(key) { $0.state = .running(startedAt: Date()) }
        let runner = ProbeRunner(address: address, container: container)
        if let startup = container.startupProbe {
            guard await runUntilSuccess(startup, runner: runner, processes: processes) else {
                kill(processes.wrapper, SIGKILL)
                return
            }
        }
        await update(key) { $0.started = true }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                guard let readiness = container.readinessProbe else {
                    await self.update(key) { $0.ready = true }
                    return
                }
                var successes = 0
                var failures = 0
                if readiness.initialDelaySeconds > 0 {
                    do { try await Task.sleep(for: .seconds(readiness.initialDelaySeconds)) } catch { return }
                }
                while !Task.isCancelled {
                    if await runner.check(readiness, processes: processes) {
                        successes += 1
                        failures = 0
                        if successes >= readiness.successThreshold { await self.update(key) { $0.ready = true } }
                    } else {
                        failures += 1
                        successes = 0
                        if failures >= readiness.failureThreshold { await self.update(key) { $0.ready = false } }
                    }
                    do { try await Task.sleep(for: .seconds(readiness.periodSeconds)) } catch { return }
                }
            }
            group.addTask {
                guard let liveness = container.livenessProbe else { return }
                var failures = 0
                if liveness.initialDelaySeconds > 0 {
                    do { try await Task.sleep(for: .seconds(liveness.initialDelaySeconds)) } catch { return }
                }
                while !Task.isCancelled {
                    if await runner.check(liveness, processes: processes) {
                        failures = 0
                    } else {
                        failures += 1
                        if failures >= liveness.failureThreshold {
                            // "Container … failed liveness probe, will be restarted": the kubelet kills with the grace period.
                            kill(processes.container, SIGTERM)
                            try? await Task.sleep(for: request.gracePeriod)
                            kill(processes.wrapper, SIGKILL)
                            return
                        }
                    }
                    do { try await Task.sleep(for: .seconds(liveness.periodSeconds)) } catch { return }
                }
            }
        }
    }

    private func runUntilSuccess(_ probe: Probe, runner: ProbeRunner, processes: PodSandbox.Processes) async -> Bool {
        var failures = 0
        if probe.initialDelaySeconds > 0 { try? await Task.sleep(for: .seconds(probe.initialDelaySeconds)) }
        while !Task.isCancelled {
            if await runner.check(probe, processes: processes) { return true }
            failures += 1
            if failures >= probe.failureThreshold { return false }
            do { try await Task.sleep(for: .seconds(probe.periodSeconds)) } catch { return false }
        }
        return false
    }

    // MARK: Command and environment, as the kubelet builds them

    /// `command` replaces the image's ENTRYPOINT, `args` its CMD; a `command` alone drops the CMD. `$(VAR)` expands.
    static func command(_ container: ContainerSpec, _ config: ImageConfig.ContainerConfig, environment: [String: String]) -> [String] {
        let words: [String]
        switch (container.command, container.args) {
        case (let command?, let args?): words = command + args
        case (let command?, nil): words = command
        case (nil, let args?): words = (config.entrypoint ?? []) + args
        case (nil, nil): words = (config.entrypoint ?? []) + (config.cmd ?? [])
        }
        return words.map { expand($0, environment) }
    }

    /// The image's environment under the container's.
    static func merge(image: [String], _ environment: [String: String]) -> [String: String] {
        var result: [String: String] = [:]
        for entry in image {
            let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            result[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        result.merge(environment) { _, new in new }
        if result["PATH"] == nil { result["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" }
        return result
    }

    /// Kubernetes' `$(VAR)` references: defined variables expand, `$$` escapes, anything else stays as written.
    static func expand(_ text: String, _ environment: [String: String]) -> String {
        guard text.contains("$") else { return text }
        var out = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            let next = text.index(after: index)
            if character == "$", next < text.endIndex {
                if text[next] == "$" {
                    out.append("$")
                    index = text.index(after: next)
                    continue
                }
                if text[next] == "(", let close = text[next...].firstIndex(of: ")") {
                    let name = String(text[text.index(after: next)..<close])
                    if let value = environment[name] {
                        out += value
                        index = text.index(after: close)
                        continue
                    }
                }
            }
            out.append(character)
            index = next
        }
        return out
    }
}
