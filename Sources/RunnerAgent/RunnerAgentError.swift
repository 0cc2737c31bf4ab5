/// Why a runner cannot go on, in words.
public enum RunnerAgentError: Error, CustomStringConvertible, Sendable {
    case refused(server: String)
    case unreachable(server: String, reason: String)
    case unexpected(server: String, status: Int, body: String)
    case workDirectoryTaken(String)
    case workDirectory(String, reason: String)

    public var description: String {
        switch self {
        case .refused(let server): "the server at \(server) refused the runner's token (unknown, or the runner was removed)"
        case .unreachable(let server, let reason): "cannot reach the server at \(server): \(reason)"
        case .unexpected(let server, let status, let body): "the server at \(server) answered \(status): \(body)"
        case .workDirectoryTaken(let path): "another runner uses the work directory \(path); give each runner its own (--work)"
        case .workDirectory(let path, let reason): "cannot use the work directory \(path): \(reason)"
        }
    }
}
