import Core
import Foundation
import Manifests

/// Starting, finding and stopping the local target's daemon (`slipway-local`, or `slipway local serve`) for any
/// process that needs one: the CLI's `local up|down`, `slipway up`, a server, tests.
public struct LocalTargetLauncher: Sendable {
    /// Where a started daemon listens and which network it builds. Port 0 lets the kernel choose (the status says which).
    public struct Settings: Sendable, Hashable {
        public var subnet: String
        public var bridge: String
        public var port: Int
        public var adminPort: Int
        public var apiPort: Int

        public init(
            subnet: String = "10.213.0.0/24", bridge: String = "slipway0", port: Int = 15080, adminPort: Int = 15000, apiPort: Int = 15090
        ) {
            self.subnet = subnet
            self.bridge = bridge
            self.port = port
            self.adminPort = adminPort
            self.apiPort = apiPort
        }
    }

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public let dataDirectory: String

    public init(dataDirectory: String) { self.dataDirectory = dataDirectory }

    /// The running daemon's status; nil when none answers.
    public func status() async -> ManifestValue? {
        guard let connection = try? LocalTargetConnection(dataDirectory: dataDirectory) else { return nil }
        return try? await connection.status()
    }

    /// The running daemon's status; a daemon is started first (detached, in its own session) when none answers,
    /// after cleaning up what a daemon that died left behind. `executable` is the `slipway` binary: the small
    /// `slipway-local` next to it runs the daemon when present. A daemon that exits while starting (a busy port, no
    /// Envoy) fails this at once with its own words.
    public func ensureRunning(_ settings: Settings, executable: String, timeout: Duration = .seconds(30)) async throws -> ManifestValue {
        if let status = await status() { return status }
        guard IPv4Subnet(settings.subnet) != nil else {
            throw Failure(description: "the subnet must be a network like 10.213.0.0/24, not '\(settings.subnet)'")
        }
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        _ = await cleanUpAfterCrash()
        let daemon = URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("slipway-local").path
        let command = FileManager.default.isExecutableFile(atPath: daemon) ? [daemon] : [executable, "local", "serve"]
        let arguments =
            command + [
                "--data-dir", dataDirectory, "--subnet", settings.subnet, "--bridge", settings.bridge,
                "--port", String(settings.port), "--admin-port", String(settings.adminPort), "--api-port", String(settings.apiPort),
            ]
        let quoted = arguments.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let log = "\(dataDirectory)/daemon.log"
        let logStart = (try? FileManager.default.attributesOfItem(atPath: log)[.size] as? Int) ?? 0
        // `setsid` run in the background of a shell is not a group leader, so it execs the daemon itself: `$!` is its pid.
        let started = try await CapturedCommand.run(
            "sh", ["-c", "setsid \(quoted) >>'\(log)' 2>&1 </dev/null & echo $!"], timeout: .seconds(10))
        guard started.succeeded, let pid = Int32(started.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw Failure(description: "could not start the local target: \(started.standardError)")
        }
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let status = await status() { return status }
            guard ProcessLiveness.isAlive(pid) else {
                throw Failure(description: "the local target did not start: \(Self.tail(of: log, from: logStart))")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw Failure(
            description: "the local target did not come up within \(timeout); \(log) says:\n\(Self.tail(of: log, from: logStart))")
    }

    /// What the daemon wrote to its log since `offset`, last lines first trimmed to five.
    static func tail(of log: String, from offset: Int) -> String {
        let data = FileManager.default.contents(atPath: log) ?? Data()
        let text = String(decoding: data.dropFirst(min(offset, data.count)), as: UTF8.self)
        return text.split(separator: "\n").suffix(5).joined(separator: "\n").replacingOccurrences(of: "slipway-local: ", with: "")
    }

    /// How `stop` found the daemon.
    public enum Stopped: Sendable, Equatable {
        case stopped
        case notRunning
        /// It had died without stopping; what it left was cleaned up (described for people).
        case cleanedUpAfterCrash(String)
    }

    /// Stops the running daemon and waits until its process is gone. A daemon that died is not running, but what it
    /// left (Envoy, pods, its bridge, its record) is cleaned up.
    public func stop(timeout: Duration = .seconds(60)) async throws -> Stopped {
        guard let connection = try? LocalTargetConnection(dataDirectory: dataDirectory), let status = try? await connection.status() else {
            return await cleanUpAfterCrash().map(Stopped.cleanedUpAfterCrash) ?? .notRunning
        }
        let pid = Int32(status["pid"]?.int ?? 0)
        await connection.shutdown()
        let deadline = ContinuousClock.now + timeout
        while pid > 0, ProcessLiveness.isAlive(pid), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        guard pid <= 0 || !ProcessLiveness.isAlive(pid) else {
            throw Failure(description: "the local target (pid \(pid)) did not stop within \(timeout)")
        }
        return .stopped
    }

    /// Removes what a daemon of this data directory left when it died: its Envoy, its pods' sandboxes, the bridge it
    /// built and its record. Nil when there was nothing to clean (no dead daemon's record, no leftover process).
    public func cleanUpAfterCrash() async -> String? {
        let record = LocalTargetDaemonRecord.read(dataDirectory)
        if let record, record.isAlive { return nil }
        var removed: [String] = []
        if let envoy = EnvoyMesh.stopLeftover(directory: "\(dataDirectory)/mesh") { removed.append("Envoy (pid \(envoy))") }
        let pods = PodSandbox.killLeftovers(under: "\(dataDirectory)/pods")
        if pods > 0 { removed.append("\(pods) pod\(pods == 1 ? "" : "s")") }
        if let name = record?.bridge, let subnet = record?.subnet.flatMap(IPv4Subnet.init),
            let bridge = try? PodBridge(name: name, subnet: subnet)
        {
            await bridge.removeAttachedLinks()
            if await bridge.hasLink(name) {
                await bridge.remove()
                removed.append("bridge \(name)")
            }
        }
        guard let record else { return removed.isEmpty ? nil : removed.joined(separator: ", ") }
        try? FileManager.default.removeItem(atPath: LocalTargetDaemonRecord.path(dataDirectory))
        return "its daemon (pid \(record.pid)) had died; removed " + (removed.isEmpty ? "nothing else" : removed.joined(separator: ", "))
    }

    /// A running daemon's status for people: where it listens, its pods, its latest events.
    public static func describe(_ status: ManifestValue) -> String {
        var lines = [
            "local target running (pid \(status["pid"]?.int ?? 0)), data in \(status["dataDirectory"]?.string ?? "?")",
            "  services and gateway hosts: \(status["listen"]?.string ?? "?")  (Host header selects the service)",
            "  pods: \(status["readyPods"]?.int ?? 0) ready of \(status["pods"]?.int ?? 0), subnet \(status["subnet"]?.string ?? "?") on "
                + "\(status["bridge"]?.string ?? "?")",
            "  Envoy admin: \(status["admin"]?.string ?? "?")",
        ]
        for event in status["events"]?.array?.suffix(5) ?? [] { lines.append("  event: \(event.string ?? "")") }
        return lines.joined(separator: "\n")
    }
}
