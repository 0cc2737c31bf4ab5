import Core
import Expressions
import Foundation
import Workflows

extension JobExecutor {
    /// Starts the job's services and prepares its container; false (after saying why in the log) when one cannot be had.
    func startContainers(_ state: State) async -> Bool {
        var context = stepContext(state: state, status: StatusSnapshot(success: true, failure: false, cancelled: false))
        context["env"] = envContext(state: state, stepEnv: [])
        guard let provider = options.containers else {
            await emit(state, "❌ container: and services: need Slipway's image support, which this host of the runner does not provide")
            state.failureReason = "container or services not available"
            return false
        }
        let root = "\(options.stateDirectory)/containers/\(UUID().uuidString.prefix(12))"
        state.containerRoots.append(root)
        // Services first: a job container's /etc/hosts names them.
        var names: [String] = []
        for (name, node) in job.services?.mapping ?? [] {
            guard let name = name.scalar else { continue }
            let spec: JobContainerSpec?
            do { spec = try JobContainerSpec.evaluate(node, in: context, what: "service '\(name)'") } catch {
                await emit(state, "❌ service '\(name)': \(error)")
                state.failureReason = "service '\(name)' could not be read"
                return false
            }
            guard let spec else { continue }
            guard await startService(name, spec, root: "\(root)/services/\(name)", provider: provider, state: state) else { return false }
            names.append(name)
        }
        var hostsFile: String?
        if !names.isEmpty {
            let path = "\(jobDirectory)/hosts"
            let text = "127.0.0.1\tlocalhost \(names.joined(separator: " "))\n::1\tlocalhost ip6-localhost ip6-loopback\n"
            if (try? text.write(toFile: path, atomically: false, encoding: .utf8)) != nil { hostsFile = path }
        }
        guard let node = job.container else { return true }
        let spec: JobContainerSpec?
        do { spec = try JobContainerSpec.evaluate(node, in: context, what: "container") } catch {
            await emit(state, "❌ container: \(error)")
            state.failureReason = "the job's container could not be read"
            return false
        }
        guard let spec else { return true }
        for note in spec.notHonoured { await emit(state, "warning: \(note)") }
        if !spec.ports.isEmpty {
            await emit(state, "warning: container ports \(spec.ports) are not mapped: the container shares this machine's network")
        }
        let rootfs = "\(root)/job"
        guard let settings = await unpack(spec, into: rootfs, provider: provider, state: state, what: "container") else { return false }
        try? FileManager.default.createDirectory(atPath: rootfs + "/github/home", withIntermediateDirectories: true)
        // Also the directories of mapped actions, which a container step may run.
        var shared = [workspace, jobDirectory, scratchDirectory] + options.actionMap.values.filter { $0.hasPrefix("/") }
        if case .object(let github)? = context["github"], let eventPath = github["event_path"]?.coercedString, !eventPath.isEmpty {
            shared.append(FilePathText.parent(of: eventPath))
        }
        state.container = ContainerSandbox(rootfs: rootfs, sharedPaths: shared, volumes: spec.volumes, hostsFile: hostsFile)
        state.containerEnv =
            settings.env.compactMap { entry in
                entry.firstIndex(of: "=").map { (String(entry[..<$0]), String(entry[entry.index(after: $0)...])) }
            } + spec.env
        await emit(state, "🐳 steps run in \(spec.image)")
        return true
    }

    func unpack(_ spec: JobContainerSpec, into directory: String, provider: any JobContainerProvider, state: State, what: String) async
        -> ContainerImageSettings?
    {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            return try await provider.unpack(image: spec.image, credentials: spec.credentials, into: directory)
        } catch {
            await emit(state, "❌ \(what) image \(spec.image) could not be had: \(error)")
            state.failureReason = "\(what) image \(spec.image) is not available"
            return nil
        }
    }

    func startService(_ name: String, _ spec: JobContainerSpec, root: String, provider: any JobContainerProvider, state: State) async
        -> Bool
    {
        for note in spec.notHonoured { await emit(state, "warning: \(note)") }
        for port in spec.ports {
            let parts = port.split(separator: ":").map(String.init)
            if parts.count >= 2, parts[parts.count - 2] != parts[parts.count - 1].split(separator: "/").first.map(String.init) {
                await emit(
                    state,
                    "warning: service '\(name)' port \(port) is not remapped: the service shares this machine's network and serves "
                        + "on \(parts[parts.count - 1])")
            }
        }
        guard let settings = await unpack(spec, into: root, provider: provider, state: state, what: "service '\(name)'") else {
            return false
        }
        let command = settings.entrypoint + settings.cmd
        guard let executable = command.first, let bubblewrap = HostExecutable.bubblewrap else {
            await emit(state, "❌ service '\(name)': its image says no command to run")
            state.failureReason = "service '\(name)' has no command"
            return false
        }
        var env: [String: String] = [:]
        for entry in settings.env {
            if let equals = entry.firstIndex(of: "=") { env[String(entry[..<equals])] = String(entry[entry.index(after: equals)...]) }
        }
        for (key, value) in spec.env { env[key] = value }
        if env["PATH"] == nil { env["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" }
        let sandbox = ContainerSandbox(rootfs: root, sharedPaths: [], volumes: spec.volumes, hostsFile: nil)
        let (program, arguments) = sandbox.command(
            executable, Array(command.dropFirst()), workingDirectory: settings.workingDir ?? "/", bubblewrap: bubblewrap)
        let masker = self.masker
        let reporter = self.reporter
        let displayName = self.displayName
        let environment = env
        let task = Task {
            try await ProcessGroupRunner.run(
                executable: program, arguments: arguments, environment: environment, workingDirectory: "/", timeout: nil
            ) { line in
                await reporter.line(displayName, masker.mask("  [\(name)] \(line)"))
            }
        }
        state.services.append(ServiceProcess(task: task))
        let containerPorts = spec.ports.compactMap { port in
            port.split(separator: ":").last.flatMap { $0.split(separator: "/").first }.map(String.init)
        }
        state.servicePorts.append((name, containerPorts))
        await emit(state, "🐳 service '\(name)' started from \(spec.image)")
        return true
    }

    /// Stops the services (their whole process groups) and removes every unpacked image of the job.
    func stopContainers(_ state: State) async {
        for service in state.services {
            service.task.cancel()
            _ = try? await service.task.value
        }
        state.services.removeAll()
        for root in state.containerRoots { try? FileManager.default.removeItem(atPath: root) }
        state.containerRoots.removeAll()
        state.container = nil
    }

    /// A step's environment inside the job container: the image's and `container.env` first, then the job's as on the
    /// runner; PATH is the image's (after GITHUB_PATH entries) and HOME is /github/home, as GitHub sets them.
    func containerEnvironment(_ env: [String: String], state: State) -> [String: String] {
        var result: [String: String] = [:]
        for (key, value) in state.containerEnv { result[key] = value }
        let host = ProcessInfo.processInfo.environment
        for (key, value) in env where !(["PATH", "HOME", "USER", "LOGNAME", "TMPDIR"].contains(key) && host[key] == value) {
            result[key] = value
        }
        var path = state.containerEnv.last { $0.0 == "PATH" }?.1 ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
        if !state.pathEntries.isEmpty { path = state.pathEntries.joined(separator: ":") + ":" + path }
        result["PATH"] = path
        result["HOME"] = "/github/home"
        return result
    }
}
