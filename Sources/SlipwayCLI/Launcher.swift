import ArgumentParser
import Dispatch
import Foundation

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
        let command = Task { await SlipwayMain.main() }
        var sources: [any DispatchSourceSignal] = []
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .main)
            source.setEventHandler { command.cancel() }
            source.resume()
            sources.append(source)
        }
        await command.value
        for source in sources { source.cancel() }
    }
}
