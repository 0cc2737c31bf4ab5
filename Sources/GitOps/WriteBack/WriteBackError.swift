/// Why an image write-back failed.
public enum WriteBackError: Error, Sendable, CustomStringConvertible {
    case lock(String, String)
    case git(String)
    case edit(String)
    case pushRejected(branch: String, attempts: Int, lastError: String)

    public var description: String {
        switch self {
        case .lock(let path, let reason): "cannot lock \(path): \(reason)"
        case .git(let message): message
        case .edit(let message): message
        case .pushRejected(let branch, let attempts, let lastError):
            "push to \(branch) still rejected after \(attempts) attempts (fetch, rebase and retry): \(lastError)"
        }
    }
}
