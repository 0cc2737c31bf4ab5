import Core
import Foundation
import SlipwayTesting
import Testing

/// Slipway never ignores SIGTERM or SIGINT: a command busy in a long computation that does not look at cancellation
/// still ends promptly, with 128 + the signal, and a second signal ends it at once.
@Suite struct SignalTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../..").standardizedFileURL.path
    static let slipway = ProcessInfo.processInfo.environment["SLIPWAY_BINARY"] ?? (repositoryRoot + "/.build/debug/slipway")

    /// A repository whose workflow has 20,000 jobs: planning them all takes many seconds.
    static func busyRepository() throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-signal-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: root + "/.github/workflows", withIntermediateDirectories: true)
        var text = "on: push\njobs:\n"
        for index in 0..<20_000 { text += "  j\(index):\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.sha }}\n" }
        try text.write(toFile: root + "/.github/workflows/many.yml", atomically: true, encoding: .utf8)
        return root
    }

    @Test(.timeLimit(.minutes(20)), arguments: [SIGTERM, SIGINT])
    func aSignalEndsALongComputationPromptly(_ signal: Int32) async throws {
        // One at a time: on a machine the rest of the suite loads most, the computation must still be running when signalled.
        try await HeavyTests.exclusively { try await Self.signalEndsALongComputation(signal) }
    }

    static func signalEndsALongComputation(_ signal: Int32) async throws {
        let root = try Self.busyRepository()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let process = try await ChildProcess.start(Self.slipway, ["run", "push", "--dry-run", "-C", root], log: root + "/out.log")
        // Busy for a second first, so the signal lands mid-way.
        try await Task.sleep(for: .seconds(1))
        #expect(!Leftovers.hasEnded(process.pid), "20,000 jobs must keep the dry run busy for more than a second")
        kill(process.pid, signal)
        let end = try await process.end(within: .seconds(30))
        #expect(end == .exited(128 + signal), "\(end): \(process.output.suffix(300))")
        // The computation never looks at cancellation, so only the watchdog can end it early, and it says so; without
        // it the dry run would go on to its end (15 s here) and no such line would be written.
        #expect(process.output.contains("slipway: stopped by signal \(signal)"), "\(process.output.suffix(300))")
    }

    /// The signals pending for the whole process (`ShdPnd` in /proc/PID/status), as a mask.
    static func pendingSignals(_ pid: pid_t) -> UInt64 {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("ShdPnd:") }
        return line.flatMap { UInt64($0.dropFirst(7).trimmingCharacters(in: .whitespaces), radix: 16) } ?? 0
    }

    @Test(.timeLimit(.minutes(20))) func aSecondSignalEndsAtOnce() async throws {
        try await HeavyTests.exclusively { try await Self.secondSignalEndsAtOnce() }
    }

    static func secondSignalEndsAtOnce() async throws {
        let root = try Self.busyRepository()
        defer { try? FileManager.default.removeItem(atPath: root) }
        // A step that ignores SIGTERM keeps the first signal's clean stop waiting for its grace period. Its sleep has a
        // duration of its own, so that what it leaves behind can be found without touching anyone else's processes.
        let duration = "60.\(UInt32.random(in: 100_000...999_999))"
        try """
        on: push
        jobs:
          stubborn:
            runs-on: ubuntu-latest
            steps:
              - run: trap '' TERM; echo "$((6 * 7)) ready"; sleep \(duration)

        """.write(toFile: root + "/.github/workflows/many.yml", atomically: true, encoding: .utf8)
        let process = try await ChildProcess.start(Self.slipway, ["run", "push", "-C", root], log: root + "/out.log")
        try await Deadline.within(.seconds(60), "the step to start") {
            // What the step prints, not its script (which the log shows first): the trap is set by then.
            while !process.output.contains("42 ready") { try await Task.sleep(for: .milliseconds(50)) }
        }
        kill(process.pid, SIGTERM)
        // A signal sent while the same one is still pending is merged with it (POSIX signals do not queue): on a loaded
        // machine the first can wait to be delivered, so the second is sent once the kernel has delivered the first.
        try await Deadline.within(.seconds(10), "the first SIGTERM to be delivered") {
            while Self.pendingSignals(process.pid) & (1 << (UInt64(SIGTERM) - 1)) != 0 { try await Task.sleep(for: .milliseconds(10)) }
        }
        try await Task.sleep(for: .milliseconds(200))
        kill(process.pid, SIGTERM)
        let end = try await process.end(within: .seconds(30))
        #expect(end == .exited(128 + SIGTERM), "\(end)")
        // The first signal alone waits out the step's 5 s grace period and then says "stopped by signal"; the second
        // ends the process at once, before that line (which of the two ended it, not how long it took).
        #expect(!process.output.contains("slipway: stopped by signal"), "the second signal is not waited on: \(process.output.suffix(500))")
        for line in Leftovers.processes(mentioning: "sleep \(duration)") {
            if let pid = Int32(line.prefix { $0 != ":" }) { kill(pid, SIGKILL) }
        }
    }
}
