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

    /// The running daemon's status; a daemon is started first (detached, in its own session) when none answers.
    /// `executable` is the `slipway` binary: the small `slipway-local` next to it runs the daemon when present.
    public func ensureRunning(_ settings: Settings, executable: String, timeout: Duration = .seconds(30)) async throws -> ManifestValue {
        if let status = await status() { return status }
        guard IPv4Subnet(settings.subnet) != nil else {
            throw Failure(description: "the subnet must be a network like 10.213.0.0/24, not '\(settings.subnet)'")
        }
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        // A file left by a daemon that did not stop cleanly must not be mistaken for the new one's.
        try? FileManager.default.removeItem(atPath: "\(dataDirectory)/api.json")
        let daemon = URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("slipway-local").path
        let command = FileManager.default.isExecutableFile(atPath: daemon) ? [daemon] : [executable, "local", "serve"]
        let arguments =
            command + [
                "--data-dir", dataDirectory, "--subnet", settings.subnet, "--bridge", settings.bridge,
                "--port", String(settings.port), "--admin-port", String(settings.adminPort), "--api-port", String(settings.apiPort),
            ]
        let quoted = arguments.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let log = "\(dataDirectory)/daemon.log"
        let started = try await CapturedCommand.run("sh", ["-c", "setsid \(quoted) >>'\(log)' 2>&1 </dev/null &"], timeout: .seconds(10))
        guard started.succeeded else { throw Failure(description: "could not start the local target: \(started.standardError)") }
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let status = await status() { return status }
            try await Task.sleep(for: .milliseconds(50))
        }
        let tail = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").suffix(5).joined(separator: "\n")
        throw Failure(description: "the local target did not come up within \(timeout); \(log) says:\n\(tail)")
    }

    /// Stops the running daemon and waits until its process is gone; false when none was running.
    @discardableResult
    public func stop(timeout: Duration = .seconds(60)) async throws -> Bool {
        guard let connection = try? LocalTargetConnection(dataDirectory: dataDirectory), let status = try? await connection.status() else {
            return false
        }
        let pid = Int32(status["pid"]?.int ?? 0)
        await connection.shutdown()
        let deadline = ContinuousClock.now + timeout
        while pid > 0, kill(pid, 0) == 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        guard pid <= 0 || kill(pid, 0) != 0 else {
            throw Failure(description: "the local target (pid \(pid)) did not stop within \(timeout)")
        }
        return true
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
