/// Why a sync could not run or did not finish.
public enum SyncError: Error, Sendable, Hashable, CustomStringConvertible {
    case repository(String, String)
    /// The revision's manifests do not render; nothing was applied.
    case render(revision: String, path: String, reason: String)
    case apply(String)
    case unknownApplication(String)
    case rollbackRefused(String)

    public var description: String {
        switch self {
        case .repository(let repository, let reason): "\(repository): \(reason)"
        case .render(let revision, let path, let reason): "revision \(revision.prefix(12)) does not render (\(path)): \(reason)"
        case .apply(let reason): reason
        case .unknownApplication(let name): "no application named \"\(name)\""
        case .rollbackRefused(let reason): "rollback refused: \(reason)"
        }
    }
}
