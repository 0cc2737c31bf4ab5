import ArgumentParser
import Core
import Foundation
import Runner
import Synchronization

/// Entry point used by the thin `slipway` executable.
///
/// SIGINT and SIGTERM cancel the running command, which tears down every step's process group
/// (SIGTERM, grace period, SIGKILL) instead of leaving orphans behind.
public enum Launcher {
    public static func main() async {
        // Called as `kustomize` (a symlink), behave like kustomize so existing scripts run unchanged.
        let invokedAs = (CommandLine.arguments.first ?? "").split(separator: "/").last.map(String.init) ?? ""
        if invokedAs == "kustomize" {
            await KustomizeCommand.main(Array(CommandLine.arguments.dropFirst()))
            return
        }
        // Called as `yq`, Slipway is the subset of mikefarah yq v4 that pipelines editing manifests use.
        if invokedAs == "yq" { exit(YQTool.main(Array(CommandLine.arguments.dropFirst()))) }
        // Off the main actor, and the signals heard on a thread of their own: a command busy on every thread it has must
        // not keep a signal from being handled.
        let signals = TerminationSignals.shared
        let command = Task.detached { await SlipwayMain.main() }
        let allowance = shutdownAllowance(Array(CommandLine.arguments.dropFirst()))
        let signalled = Mutex(0)
        signals.onSignal { sig in
            let count = signalled.withLock {
                $0 += 1
                return $0
            }
            // A second signal, or a command that does not finish within its allowance (a computation that never looks
            // at cancellation), ends the process: Slipway never ignores SIGTERM or SIGINT.
            if count > 1 { exit(128 + sig) }
            command.cancel()
            Thread.detachNewThread {
                let start = Date()
                // With no child process left to tear down, a second is plenty for cooperative code to finish.
                while Date().timeIntervalSince(start) < allowance.seconds {
                    Thread.sleep(forTimeInterval: 0.1)
                    if !allowance.isService, Date().timeIntervalSince(start) >= 1, !hasChildProcesses() { break }
                }
                FileHandle.standardError.write(Data("slipway: stopped by signal \(sig)\n".utf8))
                exit(128 + sig)
            }
        }
        await command.value
    }

    /// How long a cancelled command may take to stop cleanly: long enough for steps' process groups to get SIGTERM,
    /// their grace period and SIGKILL; longer for the services that stop pods or finish work in progress.
    struct ShutdownAllowance: Sendable {
        var seconds: TimeInterval
        var isService: Bool
    }

    static func shutdownAllowance(_ arguments: [String]) -> ShutdownAllowance {
        let words = arguments.prefix { !$0.hasPrefix("-") }
        let services: [[String]] = [
            ["local", "serve"], ["local", "up"], ["gitops", "watch"], ["registry", "serve"], ["server"], ["up"],
        ]
        if services.contains(where: { words.starts(with: $0) }) { return ShutdownAllowance(seconds: 60, isService: true) }
        let grace = ProcessGroupRunner.gracePeriod.components
        return ShutdownAllowance(seconds: Double(grace.seconds) + Double(grace.attoseconds) / 1e18 + 2, isService: false)
    }

    /// Whether any process has this one as its parent (steps still being torn down).
    static func hasChildProcesses() -> Bool {
        let me = getpid()
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard Int32(entry) != nil, let stat = ProcFile.text("/proc/\(entry)/stat"), let close = stat.lastIndex(of: ")") else {
                continue
            }
            // "pid (comm) state ppid …"
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, Int32(fields[1]) == me { return true }
        }
        return false
    }
}
