import Core
import Foundation
import Subprocess
import SystemPackage
import TargetKit

/// One pod process: its root is the image's unpacked layers under an overlay with a writable upper directory,
/// mounted in a private mount namespace that lives only as long as the pod (no mount outlives it); bubblewrap gives
/// it its own PID, IPC, UTS, mount and network namespaces and holds the command back (`--block-fd`) until the
/// runtime has joined the network namespace to the bridge. Output goes to `<state>/log`.
public struct PodSandbox: Sendable {
    /// What to start.
    public struct Launch: Sendable {
        /// Unpacked layer directories, lowest first.
        public var layers: [String]
        /// The pod's own directory: `upper`, `work`, `merged`, `info`, `block`, `log`.
        public var stateDirectory: String
        public var command: [String]
        public var environment: [String: String]
        public var workingDirectory: String
        public var address: IPv4Address
        public var interface: String
        public var hostname: String?

        public init(
            layers: [String], stateDirectory: String, command: [String], environment: [String: String] = [:],
            workingDirectory: String = "/",
            address: IPv4Address, interface: String, hostname: String? = nil
        ) {
            self.hostname = hostname
            self.layers = layers
            self.stateDirectory = stateDirectory
            self.command = command
            self.environment = environment
            self.workingDirectory = workingDirectory
            self.address = address
            self.interface = interface
        }
    }

    public let bridge: PodBridge

    public init(bridge: PodBridge) { self.bridge = bridge }

    /// The processes of a running pod, in the host's PID namespace.
    public struct Processes: Sendable, Hashable {
        /// bubblewrap: signalling it ends the pod at once (the container dies with it).
        public var wrapper: Int32
        /// The container's command, PID 1 of the pod's PID namespace: SIGTERM reaches it only if it handles SIGTERM,
        /// as in a Kubernetes container.
        public var container: Int32
    }

    /// Runs the pod until its process ends; `started` receives its processes once the network is attached and the
    /// command runs. Returns the exit status (128 + signal when killed).
    public func run(_ launch: Launch, started: @escaping @Sendable (Processes) -> Void) async throws -> Int32 {
        guard !launch.command.isEmpty else { throw TargetError.sandbox("the container has no command") }
        let fm = FileManager.default
        let state = launch.stateDirectory
        for sub in ["upper", "work", "merged"] { try fm.createDirectory(atPath: "\(state)/\(sub)", withIntermediateDirectories: true) }
        for file in ["info", "block"] { try? fm.removeItem(atPath: "\(state)/\(file)") }
        guard mkfifo("\(state)/block", 0o600) == 0 else {
            throw TargetError.sandbox("mkfifo \(state)/block: \(String(cString: strerror(errno)))")
        }
        // overlayfs lists the upper layers first.
        let lower = launch.layers.reversed().joined(separator: ":")
        var bwrap = [
            "bwrap", "--bind", "\(state)/merged", "/", "--proc", "/proc", "--dev", "/dev", "--unshare-all", "--as-pid-1",
            "--die-with-parent",
            "--hostname", String((launch.hostname ?? launch.interface).prefix(63)), "--clearenv", "--info-fd", "5", "--block-fd", "6",
            "--chdir", launch.workingDirectory,
        ]
        for (key, value) in launch.environment.sorted(by: { $0.key < $1.key }) { bwrap += ["--setenv", key, value] }
        bwrap += ["--"] + launch.command
        let script = """
            mount -t overlay overlay -o "lowerdir=$LOWER,upperdir=$STATE/upper,workdir=$STATE/work" "$STATE/merged" || exit 125
            exec "$@" 5>"$STATE/info" 6<>"$STATE/block" >>"$STATE/log" 2>&1
            """
        var options = PlatformOptions()
        options.createSession = true
        let bridge = self.bridge
        // Where this start's output begins: restarts append to the same log.
        let logStart = (try? fm.attributesOfItem(atPath: "\(state)/log")[.size] as? Int) ?? 0
        let result = try await Subprocess.run(
            .name("unshare"), arguments: Arguments(["--mount", "--propagation", "private", "sh", "-c", script, "sh"] + bwrap),
            environment: .inherit.updating(["LOWER": lower, "STATE": state]), platformOptions: options,
            input: .none, output: .sequence, error: .combinedWithOutput
        ) { execution in
            let wrapper = execution.processIdentifier.value
            var setupError: (any Error)?
            do {
                let child = try await Self.childPID(infoFile: "\(state)/info")
                try await bridge.attach(pid: child, address: launch.address, interface: launch.interface)
                let descriptor = open("\(state)/block", O_WRONLY | O_NONBLOCK)
                guard descriptor >= 0 else { throw TargetError.sandbox("cannot release the pod: \(String(cString: strerror(errno)))") }
                _ = write(descriptor, "1", 1)
                close(descriptor)
                started(Processes(wrapper: wrapper, container: child))
            } catch {
                setupError = error
                kill(wrapper, SIGKILL)
            }
            var early = ""
            for try await line in execution.standardOutput.strings() { early += line }
            if let setupError { throw setupError }
            return early
        }
        let early = result.closureResult
        switch result.terminationStatus {
        case .exited(let code):
            if code == 125 {
                throw TargetError.sandbox("mounting the pod's root failed: \(early.trimmingCharacters(in: .whitespacesAndNewlines))")
            }
            if code != 0, let failure = Self.setupFailure(log: "\(state)/log", from: logStart) { throw failure }
            return code
        case .signaled(let signal): return 128 + signal
        }
    }

    /// bubblewrap failed to set the sandbox up (its loopback interface, say) before the container's command ran: not
    /// the container's output, so not in its log — a kubelet's FailedCreatePodSandBox rather than a crash.
    public struct SetupFailure: Error, CustomStringConvertible {
        public var message: String
        public var description: String { "the pod's sandbox could not be set up: \(message)" }
    }

    /// When everything this start wrote to the log is bubblewrap's own (`bwrap: …` lines), those lines as a setup failure,
    /// taken out of the log.
    static func setupFailure(log path: String, from offset: Int) -> SetupFailure? {
        guard let handle = FileHandle(forUpdatingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard (try? handle.seek(toOffset: UInt64(offset))) != nil, let data = try? handle.readToEnd(), !data.isEmpty else { return nil }
        let lines = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).map(String.init)
        guard !lines.isEmpty, lines.allSatisfy({ $0.hasPrefix("bwrap: ") }) else { return nil }
        try? handle.truncate(atOffset: UInt64(offset))
        return SetupFailure(message: lines.joined(separator: "; "))
    }

    /// The PID bubblewrap reports for the sandboxed process (in the host's PID namespace).
    static func childPID(infoFile: String) async throws -> Int32 {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if let data = FileManager.default.contents(atPath: infoFile), !data.isEmpty,
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let pid = object["child-pid"] as? Int
            {
                return Int32(pid)
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        throw TargetError.sandbox("bubblewrap did not report its child within 10 s (see \(infoFile))")
    }
}

extension PodSandbox {
    /// Kills sandboxes a previous run left behind under `podsRoot` (found by their bind mount on the command line);
    /// answers how many.
    @discardableResult
    public static func killLeftovers(under podsRoot: String) -> Int {
        var killed = 0
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return 0 }
        for entry in entries {
            guard let pid = Int32(entry), pid != getpid(), let data = ProcFile.bytes("/proc/\(entry)/cmdline") else { continue }
            let arguments = String(decoding: data, as: UTF8.self)
            if arguments.hasPrefix("bwrap\0"), arguments.contains("\0\(podsRoot)/") {
                kill(pid, SIGKILL)
                killed += 1
            }
        }
        return killed
    }
}
