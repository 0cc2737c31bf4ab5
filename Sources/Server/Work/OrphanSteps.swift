import Core
import Crypto
import Foundation

/// Step processes a killed server left running. Every step of an event runs with `SLIPWAY_SERVER_EVENT=INSTANCE:ID`
/// in its environment (INSTANCE stands for the data directory, so servers on one machine keep apart); steps run in
/// sessions of their own, so when the server is killed with SIGKILL nothing stops them. A server that starts kills
/// every process group still carrying its instance's mark — none of them can be its own yet.
enum OrphanSteps {
    static let variable = "SLIPWAY_SERVER_EVENT"

    /// The mark of a data directory's server.
    static func instance(dataDirectory: String) -> String {
        let path = URL(fileURLWithPath: dataDirectory).standardizedFileURL.path
        return SHA256.hash(data: Data(path.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    /// Kills the process groups of processes marked with `instance`; answers the pids found.
    @discardableResult
    static func kill(instance: String) -> [pid_t] {
        let needle = Array("\(variable)=\(instance):".utf8)
        var found: [pid_t] = []
        let own = getpid()
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = pid_t(entry), pid != own, let environment = ProcFile.bytes("/proc/\(entry)/environ") else { continue }
            let marked = environment.split(separator: 0).contains { variable in variable.starts(with: needle) }
            guard marked else { continue }
            found.append(pid)
            let group = getpgid(pid)
            if group > 1 { Glibc.kill(-group, SIGKILL) }
            Glibc.kill(pid, SIGKILL)
        }
        return found
    }
}
