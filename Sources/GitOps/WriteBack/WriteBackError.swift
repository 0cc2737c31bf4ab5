import Foundation

/// Why an image write-back failed.
public enum WriteBackError: Error, Sendable, CustomStringConvertible {
    case lock(String, String)
    case git(String)
    case edit(String)
    case pushRejected(branch: String, attempts: Int, elapsed: Duration, lastError: String)

    public var description: String {
        switch self {
        case .lock(let path, let reason): "cannot lock \(path): \(reason)"
        case .git(let message): message
        case .edit(let message): message
        case .pushRejected(let branch, let attempts, let elapsed, let lastError):
            "push to \(branch) still rejected after \(attempts) attempts in \(String(format: "%.1f", Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)) s (fetch, rebase and retry): \(lastError)"
        }
    }
}
